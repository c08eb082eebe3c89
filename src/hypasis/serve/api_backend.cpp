#include "hypasis/serve/api_backend.hpp"

namespace hypasis::serve {

ApiBackend make_backend(const BackendSources& sources) {
    ApiBackend b;
    if (sync::SyncControl* control = sources.control) {
        b.status = [control] { return control->status(); };
        b.pause = [control] { control->pause_backward(); };
        b.resume = [control] { control->resume_backward(); };
    }
    if (p2p::peers::PeerManager* manager = sources.manager) {
        b.peers = [manager] { return manager->peers(); };
        b.bans = [manager] { return manager->bans(); };
        b.peer_stats = [manager] { return manager->stats(); };
    } else if (p2p::peers::PeerService* service = sources.peers) {
        b.peers = [service] { return service->peers(); };
    }
    if (storage::BlockStore* store = sources.store) {
        const uint64_t limit = sources.history_limit;
        b.gaps = [store, limit](storage::DataKind kind) -> std::vector<storage::Range> {
            const auto head = store->head(storage::DataKind::kHeaders);
            if (!head || *head + 1 <= limit) return {};
            return store->gaps(kind, storage::Range{limit, *head + 1});
        };
        b.store_stats = [store] { return store->stats(); };
        b.checkpoints = [store]() -> Expected<std::vector<checkpoint::RegistryEntry>, std::string> {
            const checkpoint::CheckpointRegistry registry(*store);
            auto list = registry.list();
            if (!list) return unexpected(checkpoint::to_string(list.error()));
            return std::move(*list);
        };
    }
    return b;
}

}  // namespace hypasis::serve
