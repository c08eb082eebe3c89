#include "hypasis/devnet/net/devnet.hpp"

#include <algorithm>
#include <cstdio>
#include <exception>
#include <fstream>
#include <system_error>
#include <utility>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/json.hpp>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/json/pretty.hpp"
#include "hypasis/devnet/net/genesis_file.hpp"
#include "hypasis/p2p/eth/status.hpp"

namespace hypasis::devnet {
namespace {

namespace asio = boost::asio;
namespace bj = boost::json;

constexpr std::size_t kMaxPeers = 64;

DevnetError bad_options(std::string detail) { return {DevnetErrc::kBadOptions, std::move(detail)}; }

/// Writes `text` to `path` through a temporary file and a rename, so a reader never sees half a file.
Expected<void, DevnetError> write_atomically(const std::filesystem::path& path, std::string_view text) {
    std::filesystem::path tmp = path;
    tmp += ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f.write(text.data(), static_cast<std::streamsize>(text.size()));
        f.close();
        if (!f) return unexpected(DevnetError{DevnetErrc::kIo, tmp.string()});
    }
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) return unexpected(DevnetError{DevnetErrc::kIo, path.string() + ": " + ec.message()});
    return {};
}

crypto::SecretKey peer_key(uint64_t seed, std::size_t i) {
    const std::string label = "hypasis devnet peer " + std::to_string(seed) + " " + std::to_string(i);
    crypto::SecretKey key = crypto::keccak256(as_bytes(label));
    while (!crypto::public_key(key)) key = crypto::keccak256(key);  // negligibly rare
    return key;
}

}  // namespace

Devnet::Devnet(DevnetOptions options) : options_(std::move(options)) {}

Devnet::~Devnet() { stop(); }

Expected<void, DevnetError> Devnet::start() {
    if (started_) return unexpected(DevnetError{DevnetErrc::kState, "start() called twice"});
    if (options_.blocks == 0) return unexpected(bad_options("--blocks must be at least 1"));
    if (options_.block_interval.count() < 0) return unexpected(bad_options("--block-interval must be >= 0"));
    if (!options_.checkpoint_at) options_.checkpoint_at = options_.blocks / 2;
    if (*options_.checkpoint_at > options_.blocks) {
        return unexpected(bad_options("--checkpoint-at " + std::to_string(*options_.checkpoint_at) +
                                      " is above the initial head " + std::to_string(options_.blocks)));
    }
    if (options_.peers.empty() || options_.peers.size() > kMaxPeers) {
        return unexpected(bad_options("1.." + std::to_string(kMaxPeers) + " peers"));
    }
    if (options_.port != 0 && uint32_t{options_.port} + options_.peers.size() - 1 > 65535) {
        return unexpected(bad_options("--port + number of peers goes past 65535"));
    }
    if (options_.chain.txn_rounds_per_block > chain::kPragueBlobParams.max) {
        return unexpected(bad_options("--txn-rounds must be at most " + std::to_string(chain::kPragueBlobParams.max)));
    }
    if (options_.max_peers_per_node == 0) return unexpected(bad_options("max_peers_per_node must be >= 1"));
    if (options_.flaky_period.count() <= 0) return unexpected(bad_options("--flaky-period must be > 0"));
    if (options_.dir.empty()) return unexpected(bad_options("--dir is empty"));
    options_.validators.seed = options_.chain.seed;

    std::error_code ec;
    std::filesystem::create_directories(options_.dir, ec);
    const auto dir = std::filesystem::absolute(options_.dir, ec);
    if (ec) return unexpected(DevnetError{DevnetErrc::kIo, options_.dir.string() + ": " + ec.message()});
    paths_.dir = dir;
    paths_.genesis = dir / "genesis.json";
    paths_.chain = dir / "chain.rlp";
    paths_.checkpoint = dir / "checkpoint.json";
    paths_.validators = dir / "validators.json";
    paths_.validator_keys = dir / "validator-keys.txt";
    paths_.peers = dir / "peers.txt";
    paths_.info = dir / "devnet.json";

    if (auto r = generate(); !r) return r;
    if (auto r = write_files(); !r) return r;
    if (auto r = start_peers(); !r) return r;
    started_ = true;
    if (auto r = write_info(); !r) {
        stop();
        return r;
    }

    work_.emplace(ioc_->get_executor());
    if (options_.block_interval.count() > 0) {
        block_timer_.emplace(*ioc_);
        asio::co_spawn(*ioc_, produce_loop(), asio::detached);
    }
    if (std::count(options_.peers.begin(), options_.peers.end(), PeerProfile::kFlaky) > 0) {
        flaky_timer_.emplace(*ioc_);
        asio::co_spawn(*ioc_, flaky_loop(), asio::detached);
    }
    thread_ = std::thread([this] { ioc_->run(); });
    return {};
}

Expected<void, DevnetError> Devnet::generate() {
    generator_ = std::make_unique<ChainGenerator>(options_.chain);
    spec_ = generator_->spec();
    auto genesis = generator_genesis_json(*generator_);
    if (!genesis) return unexpected(DevnetError{DevnetErrc::kGenesis, to_string(genesis.error())});
    genesis_text_ = std::move(*genesis);

    blocks_.reserve(options_.blocks + 1);
    blocks_.push_back(generator_->genesis());
    receipts_.emplace_back();
    chain_.add(blocks_.back(), receipts_.back());
    for (uint64_t i = 1; i <= options_.blocks; ++i) {
        GeneratedBlock b = generator_->next();
        chain_.add(b.block, b.receipts);
        blocks_.push_back(std::move(b.block));
        receipts_.push_back(std::move(b.receipts));
    }
    head_ = {blocks_.back().header.header.number, blocks_.back().header.hash};

    auto validators = make_validators(spec_.chain_id(), options_.validators);
    if (!validators) return unexpected(std::move(validators.error()));
    validators_ = std::move(*validators);
    auto signed_checkpoint = sign_checkpoint(*validators_, spec_.chain_id(), blocks_[*options_.checkpoint_at].header,
                                             options_.bad_checkpoint ? Quorum::kInsufficient : Quorum::kSufficient);
    if (!signed_checkpoint) return unexpected(std::move(signed_checkpoint.error()));
    checkpoint_ = std::move(*signed_checkpoint);
    return {};
}

Expected<void, DevnetError> Devnet::write_files() {
    if (auto r = write_atomically(paths_.genesis, genesis_text_); !r) return r;
    try {
        write_chain_file(paths_.chain, blocks_);
    } catch (const std::runtime_error& e) {
        return unexpected(DevnetError{DevnetErrc::kIo, e.what()});
    }
    const std::string set = json::serialize_pretty(checkpoint::validator_set_to_json(validators_->set)) + "\n";
    if (auto r = write_atomically(paths_.validators, set); !r) return r;
    const std::string ck = json::serialize_pretty(checkpoint::checkpoint_to_json(checkpoint_)) + "\n";
    if (auto r = write_atomically(paths_.checkpoint, ck); !r) return r;
    std::string keys = "# Secret keys of the devnet validators (devnet only; never use them elsewhere), validator i "
                       "on line i.\n";
    for (const auto& k : validators_->ecdsa_keys) keys += to_hex(k, false) + "\n";
    for (const auto& k : validators_->bls_keys) keys += to_hex(k.to_bytes(), false) + "\n";
    return write_atomically(paths_.validator_keys, keys);
}

Expected<void, DevnetError> Devnet::start_peers() {
    ioc_ = std::make_unique<asio::io_context>(1);
    const auto& genesis = blocks_.front().header.header;
    for (std::size_t i = 0; i < options_.peers.size(); ++i) {
        const PeerProfile profile = options_.peers[i];
        providers_.push_back(std::make_unique<FaultyProvider>(chain_, profile, options_.faults));

        p2p::peers::PeerManagerConfig c;
        c.listen_address = "127.0.0.1";
        c.listen_port = options_.port == 0 ? 0 : static_cast<uint16_t>(options_.port + i);
        c.node_key = peer_key(options_.chain.seed, i);
        c.client_id = "hypasis-devnet/" + std::string(to_string(profile));
        c.session.chain = p2p::eth::LocalChainView::from_spec(spec_, 0, genesis.timestamp);
        // Announce every block: a devnet is where a client's tip following is tested.
        c.session.range_update_blocks = 1;
        c.session.range_update_interval = options_.block_interval / 2;
        c.max_peers = options_.max_peers_per_node;
        c.max_inbound = options_.max_peers_per_node;
        c.subnet_exempt_loopback = true;
        c.provider = providers_.back().get();
        // One pool thread per session plus one: a withheld or slowed request holds a thread, and a session serves
        // one request at a time, so the other sessions and the head refresh always find a free thread.
        c.serving_threads = options_.max_peers_per_node + 1;
        auto m = std::make_unique<p2p::peers::PeerManager>(ioc_->get_executor(), std::move(c));
        auto started = m->start();
        managers_.push_back(std::move(m));
        if (!started) {
            const std::string what = "peer " + std::to_string(i) + " (" + std::string(to_string(profile)) +
                                     ") on 127.0.0.1:" + std::to_string(options_.port == 0 ? 0 : options_.port + i) +
                                     ": " + started.error().message();
            for (auto& p : providers_) p->shutdown();
            for (auto& mm : managers_) mm->stop();
            ioc_->run();  // let what the managers started end
            managers_.clear();
            providers_.clear();
            ioc_.reset();
            return unexpected(DevnetError{DevnetErrc::kListen, what});
        }
        const auto& mm = *managers_.back();
        peers_.push_back({profile, mm.enode_url(), mm.local_endpoint().port(), mm.node_id()});
    }
    std::string list;
    for (const auto& p : peers_) list += p.enode + "\n";
    return write_atomically(paths_.peers, list);
}

Expected<void, DevnetError> Devnet::write_info() {
    bj::object o;
    o["chainId"] = spec_.chain_id();
    o["genesisHash"] = to_hex(spec_.genesis_hash);
    o["genesisTimestamp"] = options_.chain.genesis_timestamp;
    o["forks"] = boost::json::object{{"shanghai", options_.chain.shanghai_block},
                                     {"cancun", options_.chain.cancun_block},
                                     {"prague", options_.chain.prague_block}};
    o["dir"] = paths_.dir.string();
    o["genesis"] = paths_.genesis.string();
    o["chain"] = paths_.chain.string();
    o["checkpoint"] = paths_.checkpoint.string();
    o["validators"] = paths_.validators.string();
    o["validatorKeys"] = paths_.validator_keys.string();
    o["peersFile"] = paths_.peers.string();
    o["checkpointBlock"] = checkpoint_.block_num;
    o["checkpointHash"] = to_hex(checkpoint_.block_hash);
    o["checkpointQuorum"] = options_.bad_checkpoint ? "insufficient" : "sufficient";
    o["blockIntervalMs"] = options_.block_interval.count();
    bj::array peers;
    for (const auto& p : peers_) {
        bj::object e;
        e["enode"] = p.enode;
        e["profile"] = std::string(to_string(p.profile));
        e["port"] = p.port;
        peers.push_back(std::move(e));
    }
    o["peers"] = std::move(peers);
    const DevnetHead h = head();
    bj::object head;
    head["number"] = h.number;
    head["hash"] = to_hex(h.hash);
    o["head"] = std::move(head);
    o["runCommand"] = run_command((paths_.dir / "hypasis-data").string());
    return write_atomically(paths_.info, json::serialize_pretty(o) + "\n");
}

void Devnet::produce_block() {
    GeneratedBlock b = generator_->next();
    chain_.add(b.block, b.receipts);
    DevnetHead h{b.block.header.header.number, b.block.header.hash};
    if (options_.checkpoint_every > 0 && h.number % options_.checkpoint_every == 0) {
        // A newer checkpoint for nodes that re-read theirs (checkpoint() keeps the first one).
        auto c = sign_checkpoint(*validators_, spec_.chain_id(), b.block.header,
                                 options_.bad_checkpoint ? Quorum::kInsufficient : Quorum::kSufficient);
        const auto written =
            c ? write_atomically(paths_.checkpoint,
                                 json::serialize_pretty(checkpoint::checkpoint_to_json(*c)) + "\n")
              : Expected<void, DevnetError>(unexpected(std::move(c.error())));
        if (!written) std::fprintf(stderr, "hypasis: devnet: %s\n", to_string(written.error()).c_str());
    }
    {
        std::lock_guard lock(mutex_);
        blocks_.push_back(std::move(b.block));
        receipts_.push_back(std::move(b.receipts));
        head_ = h;
    }
    for (auto& m : managers_) m->notify_head_changed();
    if (auto r = write_info(); !r) {
        // Not fatal: the peers keep serving; devnet.json's head is stale until the next block.
        std::fprintf(stderr, "hypasis: devnet: %s\n", to_string(r.error()).c_str());
    }
    if (options_.on_block) options_.on_block(h);
}

p2p::Task<void> Devnet::produce_loop() {
    while (!stopping_) {
        block_timer_->expires_after(options_.block_interval);
        auto [ec] = co_await block_timer_->async_wait(p2p::kUseTuple);
        if (ec || stopping_) break;
        produce_block();
    }
}

p2p::Task<void> Devnet::flaky_loop() {
    while (!stopping_) {
        flaky_timer_->expires_after(options_.flaky_period);
        auto [ec] = co_await flaky_timer_->async_wait(p2p::kUseTuple);
        if (ec || stopping_) break;
        for (std::size_t i = 0; i < managers_.size(); ++i) {
            if (options_.peers[i] != PeerProfile::kFlaky) continue;
            for (const auto& info : managers_[i]->peers()) {
                if (auto s = managers_[i]->session(info.peer_id); s && s->is_open()) {
                    s->close(p2p::rlpx::DisconnectReason::kRequested);
                    ++flaky_drops_;
                }
            }
        }
    }
}

p2p::Task<void> Devnet::shutdown_peers() {
    for (auto& m : managers_) m->stop();
    for (auto& m : managers_) co_await m->wait_stopped();
    work_.reset();
}

void Devnet::stop() {
    if (!started_ || stopped_) return;
    stopped_ = true;
    for (auto& p : providers_) p->shutdown();
    asio::post(*ioc_, [this] {
        stopping_ = true;
        if (block_timer_) block_timer_->cancel();
        if (flaky_timer_) flaky_timer_->cancel();
        asio::co_spawn(*ioc_, shutdown_peers(), asio::detached);
    });
    if (thread_.joinable()) {
        thread_.join();
    } else {
        ioc_->run();  // start() failed after the peers started: drain here
    }
    managers_.clear();  // joins the serving pools (every provider call has been woken)
    providers_.clear();
}

DevnetHead Devnet::head() const {
    std::lock_guard lock(mutex_);
    return head_;
}

std::vector<DevnetPeer> Devnet::peers() const { return peers_; }

std::vector<std::string> Devnet::enodes() const {
    std::vector<std::string> out;
    for (const auto& p : peers_) out.push_back(p.enode);
    return out;
}

std::vector<Block> Devnet::blocks(uint64_t first, uint64_t end) const {
    std::lock_guard lock(mutex_);
    end = std::min<uint64_t>(end, blocks_.size());
    if (first >= end) return {};
    return {blocks_.begin() + static_cast<std::ptrdiff_t>(first), blocks_.begin() + static_cast<std::ptrdiff_t>(end)};
}

std::vector<Receipt> Devnet::receipts(uint64_t n) const {
    std::lock_guard lock(mutex_);
    return n < receipts_.size() ? receipts_[n] : std::vector<Receipt>{};
}

std::vector<p2p::peers::PeerInfo> Devnet::connected(std::size_t i) const {
    if (i >= managers_.size() || stopped_) return {};
    return managers_[i]->peers();
}

std::string Devnet::run_command(const std::string& datadir) const {
    std::string line = "hypasis run --datadir " + datadir + " --genesis " + paths_.genesis.string() +
                       " --checkpoint file:" + paths_.checkpoint.string() + " --validators " +
                       paths_.validators.string() + " --no-discovery";
    for (const auto& p : peers_) line += " --static-peer " + p.enode;
    return line;
}

}  // namespace hypasis::devnet
