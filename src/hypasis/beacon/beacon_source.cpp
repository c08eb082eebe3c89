#include "hypasis/beacon/beacon_source.hpp"

#include <chrono>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/storage/block_store/block_store.hpp"

namespace hypasis::beacon {
namespace {

constexpr std::size_t kMaxFaults = 256;

SourceError unverified(const std::string& endpoint, std::string_view what, LightClientError e) {
    return {SourceErrc::kUnverified, endpoint, std::string(what) + ": " + std::string(to_string(e))};
}

uint64_t load_be64(ByteView b) {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x = (x << 8) | b[i];
    return x;
}

}  // namespace

BeaconSource::BeaconSource(BeaconSourceConfig config, storage::BlockStore* store)
    : config_(std::move(config)), store_(store) {
    name_ = "beacon:";
    for (std::size_t i = 0; i < config_.endpoints.size(); ++i) {
        if (i) name_ += ",";
        name_ += config_.endpoints[i];
        apis_.emplace_back(config_.endpoints[i], config_.http, config_.chain, config_.encoding);
    }
}

std::string BeaconSource::store_key(const ChainConfig& chain) { return "beacon/" + chain.name + "/finalized"; }

uint64_t BeaconSource::now() const {
    if (config_.now) return config_.now();
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

void BeaconSource::fault(const std::string& endpoint, SourceError e, std::optional<AnswerError> answer) {
    if (faults_.size() == kMaxFaults) faults_.erase(faults_.begin());
    faults_.push_back({endpoint, std::move(e), answer});
}

Task<Expected<void, SourceError>> BeaconSource::ensure_bootstrapped() {
    if (client_) co_return Expected<void, SourceError>{};
    // A persisted, already verified finalized root wins over the configured one: it is newer, and a restart must
    // not need a fresh trust input.
    Hash root = config_.trusted_block_root;
    std::string origin = "trusted root";
    if (store_) {
        auto rec = store_->get_record(as_bytes(store_key(config_.chain)));
        if (rec && *rec && (*rec)->size() == 40) {
            root = to_fixed<32>(ByteView(**rec).first(32));
            origin = "persisted finalized root (slot " + std::to_string(load_be64(ByteView(**rec).subspan(32))) + ")";
        }
    }
    std::optional<SourceError> last;
    for (auto& api : apis_) {
        auto boot = co_await api.bootstrap(root);
        if (!boot) {
            fault(api.base_url(), boot.error());
            last = std::move(boot.error().error);
            continue;
        }
        auto client = LightClient::bootstrap(config_.chain, root, *boot);
        if (!client) {
            auto e = unverified(api.base_url(), "bootstrap for the " + origin + " " + to_hex(root), client.error());
            fault(api.base_url(), e);
            last = std::move(e);
            continue;
        }
        // Weak subjectivity: the trusted block must be recent (checked on the verified header's slot).
        const uint64_t block_time = config_.chain.time_at_slot(boot->header.beacon.slot);
        const uint64_t t = now();
        const uint64_t age = t > block_time ? t - block_time : 0;
        if (age > static_cast<uint64_t>(config_.max_trusted_age.count()) && !config_.allow_old_trusted_root) {
            co_return unexpected(SourceError{SourceErrc::kUnverified, name_,
                                             "the " + origin + " is " + std::to_string(age / 3600) +
                                                 " h old, beyond the weak-subjectivity bound of " +
                                                 std::to_string(config_.max_trusted_age.count() / 3600) +
                                                 " h (give a newer trusted root, or allow old roots explicitly)"});
        }
        client_.emplace(std::move(*client));
        co_return Expected<void, SourceError>{};
    }
    if (!last) co_return unexpected(SourceError{SourceErrc::kBadUri, name_, "no Beacon API endpoints configured"});
    co_return unexpected(std::move(*last));
}

Task<void> BeaconSource::catch_up() {
    const uint64_t target = config_.chain.period_at_slot(config_.chain.slot_at_time(now()));
    for (auto& api : apis_) {
        bool endpoint_ok = true;
        while (endpoint_ok && (client_->period() < target || !client_->store().next_sync_committee)) {
            const uint64_t start = client_->period();
            auto updates = co_await api.updates(start, target - start + 1);
            if (!updates) {
                fault(api.base_url(), updates.error());
                break;
            }
            bool progressed = false;
            for (const auto& u : *updates) {
                auto r = client_->process_update(u, config_.chain.slot_at_time(now()));
                if (!r) {
                    fault(api.base_url(),
                          unverified(api.base_url(), "update at slot " + std::to_string(u.attested_header.beacon.slot),
                                     r.error()));
                    endpoint_ok = false;
                    break;
                }
                progressed = progressed || r->finalized_advanced || r->next_committee_learned;
            }
            if (!progressed) break;
        }
        if (client_->period() >= target && client_->store().next_sync_committee) co_return;
    }
}

Task<Expected<void, SourceError>> BeaconSource::finalize() {
    std::optional<SourceError> last;
    const uint64_t slot_now = config_.chain.slot_at_time(now());
    for (auto& api : apis_) {
        auto fin = co_await api.finality_update();
        if (!fin) {
            fault(api.base_url(), fin.error());
            last = std::move(fin.error().error);
            continue;
        }
        auto r = client_->process_finality_update(*fin, slot_now, true);
        // An update that is not newer than what the store holds is fine: the store is already final there.
        if (!r && r.error() != LightClientError::kIrrelevant) {
            auto e = unverified(api.base_url(), "finality update", r.error());
            fault(api.base_url(), e);
            last = std::move(e);
            continue;
        }
        BeaconValidation v;
        v.finalized_slot = client_->store().finalized_header.beacon.slot;
        v.finalized_root = ssz::hash_tree_root(client_->store().finalized_header.beacon);
        v.attested_slot = fin->attested_header.beacon.slot;
        v.signature_slot = fin->signature_slot;
        v.participants = fin->sync_aggregate.participants();
        v.committee_size = fin->sync_aggregate.size();
        v.period = config_.chain.period_at_slot(fin->signature_slot);
        v.endpoint = api.base_url();

        auto opt = co_await api.optimistic_update();
        if (!opt) {
            fault(api.base_url(), opt.error());
        } else if (auto o = client_->process_optimistic_update(*opt, slot_now);
                   !o && o.error() != LightClientError::kIrrelevant) {
            fault(api.base_url(), unverified(api.base_url(), "optimistic update", o.error()));
        }
        validation_ = v;
        persist();
        co_return Expected<void, SourceError>{};
    }
    co_return unexpected(last.value_or(SourceError{SourceErrc::kBadUri, name_, "no Beacon API endpoints configured"}));
}

bool BeaconSource::persist() {
    if (store_ == nullptr || !validation_) return true;
    Bytes rec(validation_->finalized_root.begin(), validation_->finalized_root.end());
    const auto slot = be64(validation_->finalized_slot);
    rec.insert(rec.end(), slot.begin(), slot.end());
    if (auto w = store_->put_record(as_bytes(store_key(config_.chain)), rec); !w) {
        fault(name_, SourceError{SourceErrc::kIo, name_, "cannot persist the finalized root"});
        return false;
    }
    return true;
}

bool BeaconSource::attach_store(storage::BlockStore* store) {
    store_ = store;
    return persist();
}

checkpoint::Checkpoint BeaconSource::to_checkpoint(const ssz::LightClientHeader& h) const {
    checkpoint::Checkpoint c;
    c.chain_id = config_.chain.chain_id;
    c.block_num = h.execution.block_number;
    c.block_hash = h.execution.block_hash;
    c.state_root = h.execution.state_root;
    c.timestamp = h.execution.timestamp;
    return c;
}

Task<Expected<checkpoint::Checkpoint, SourceError>> BeaconSource::fetch() {
    last_error_.reset();
    if (apis_.empty()) {
        last_error_ = SourceError{SourceErrc::kBadUri, name_, "no Beacon API endpoints configured"};
        co_return unexpected(*last_error_);
    }
    auto boot = co_await ensure_bootstrapped();
    if (!boot) {
        last_error_ = boot.error();
        co_return unexpected(std::move(boot.error()));
    }
    co_await catch_up();
    auto fin = co_await finalize();
    if (!fin) {
        last_error_ = fin.error();
        co_return unexpected(std::move(fin.error()));
    }
    if (!ssz::has_execution(client_->store().finalized_header.fork)) {
        last_error_ = SourceError{SourceErrc::kUnverified, name_, "the finalized header predates Capella: no payload"};
        co_return unexpected(*last_error_);
    }
    co_return to_checkpoint(client_->store().finalized_header);
}

Expected<checkpoint::VerifiedCheckpoint, SourceError> BeaconSource::last_verified() const {
    if (last_error_) return unexpected(*last_error_);
    if (!validation_ || !client_) {
        return unexpected(SourceError{SourceErrc::kUnverified, name_, "nothing verified yet"});
    }
    checkpoint::VerifiedCheckpoint v;
    v.checkpoint = to_checkpoint(client_->store().finalized_header);
    v.digest = validation_->finalized_root;
    v.rule = checkpoint::QuorumRule::kEthSyncCommittee;
    v.signed_stake = validation_->participants;
    v.total_stake = validation_->committee_size;
    v.signers = validation_->participants;
    v.validators = validation_->committee_size;
    return v;
}

std::optional<checkpoint::Checkpoint> BeaconSource::optimistic_head() const {
    if (!client_ || !validation_) return std::nullopt;
    return to_checkpoint(client_->store().optimistic_header);
}

}  // namespace hypasis::beacon
