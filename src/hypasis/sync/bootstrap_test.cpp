#include "hypasis/sync/bootstrap.hpp"

#include <gtest/gtest.h>

#include <mutex>

#include "hypasis/checkpoint/registry.hpp"
#include "hypasis/checkpoint/test_keys.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/p2p/peers/test_harness.hpp"
#include "hypasis/storage/block_store/test_support.hpp"

namespace hypasis::sync {
namespace {

using namespace std::chrono_literals;
using checkpoint::Checkpoint;
using p2p::peers::Misbehaviour;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;
using p2p::peers::testing::test_chain;
namespace ptest = p2p::peers::testing;
namespace ctest = checkpoint::testing;

constexpr uint64_t kCheckpointBlock = 120;

/// A checkpoint source that hands out a fixed checkpoint (or an error).
class FixedSource final : public checkpoint::CheckpointSource {
  public:
    explicit FixedSource(Expected<Checkpoint, checkpoint::SourceError> c) : c_(std::move(c)) {}
    const std::string& name() const noexcept override { return name_; }
    Task<Expected<Checkpoint, checkpoint::SourceError>> fetch() override { co_return c_; }

  private:
    std::string name_{"test:fixed"};
    Expected<Checkpoint, checkpoint::SourceError> c_;
};

/// Four validators of equal stake on the generated chain; 3 signers pass the generic 2/3 rule, 2 do not.
checkpoint::ValidatorSet validators() {
    return ctest::ecdsa_set({U256{100}, U256{100}, U256{100}, U256{100}}, checkpoint::QuorumRule::kGeneric,
                            test_chain().spec.chain_id());
}

Checkpoint checkpoint_of(uint64_t n, uint32_t signers) {
    const SealedHeader& h = test_chain().blocks[n].header;
    Checkpoint c;
    c.chain_id = test_chain().spec.chain_id();
    c.block_num = n;
    c.block_hash = h.hash;
    c.state_root = h.header.state_root;
    c.timestamp = h.header.timestamp;
    ctest::sign_ecdsa(c, ctest::first(signers));
    return c;
}

/// Nothing at all written: no record of any module, no header.
void expect_untouched(const storage::BlockStore& store) {
    const std::string prefixes[] = {"sync/", "ckpt/"};
    for (const auto& p : prefixes) {
        auto recs = store.scan_records(ByteView{reinterpret_cast<const uint8_t*>(p.data()), p.size()});
        ASSERT_TRUE(recs.has_value());
        EXPECT_TRUE(recs->empty()) << p;
    }
    EXPECT_FALSE(store.head(storage::DataKind::kHeaders).has_value());
    auto anchor = read_anchor(store);
    ASSERT_TRUE(anchor.has_value());
    EXPECT_FALSE(anchor->has_value());
}

/// A server node serving the test chain and a client node dialing it.
struct Net {
    std::unique_ptr<p2p::peers::MemoryBlockProvider> provider = ptest::make_provider(200);
    std::unique_ptr<p2p::peers::PeerManager> server;
    std::unique_ptr<p2p::peers::PeerManager> client;

    Task<void> start(Executor ex) {
        server = ptest::start_node(ex, ptest::node_config(1, provider.get()));
        client = ptest::start_node(ex, ptest::node_config(2));
        client->add_peer(server->enode());
        EXPECT_TRUE(co_await ptest::eventually([&] { return client->peers().size() == 1; }));
    }
    Task<void> stop() {
        co_await ptest::stop_node(*client);
        co_await ptest::stop_node(*server);
    }
};

/// A service whose one peer answers every header request with `served` (for precise faults).
class FakeService final : public p2p::peers::PeerService {
  public:
    std::vector<SealedHeader> served;
    std::vector<PeerInfo> list;
    mutable std::mutex mutex;
    std::vector<std::pair<PeerId, Misbehaviour>> reports;

    std::vector<PeerInfo> peers() const override { return list; }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId,
                                                                           p2p::peers::HeadersRequest) override {
        co_return served;
    }
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId, std::vector<Hash>) override {
        co_return std::vector<BlockBody>{};
    }
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(PeerId,
                                                                                    std::vector<Hash>) override {
        co_return std::vector<std::vector<Receipt>>{};
    }
    void report(const PeerId& peer, Misbehaviour what) override {
        std::lock_guard lock(mutex);
        reports.emplace_back(peer, what);
    }
};

TEST(Anchor, RecordRoundTripsAndRejectsOtherBytes) {
    const Anchor a{123456, test_chain().blocks[5].header.hash};
    const Bytes enc = encode_anchor(a);
    auto back = decode_anchor(enc);
    ASSERT_TRUE(back.has_value());
    EXPECT_EQ(*back, a);

    Bytes trailing = enc;
    trailing.push_back(0x00);
    EXPECT_FALSE(decode_anchor(trailing).has_value());
    EXPECT_FALSE(decode_anchor(ByteView{enc.data(), enc.size() - 1}).has_value());
    Bytes v2;  // another version
    rlp::encode_u64(v2, 2);
    rlp::encode_u64(v2, a.block_num);
    rlp::encode_fixed(v2, a.block_hash);
    EXPECT_FALSE(decode_anchor(rlp::wrap_list(v2)).has_value());
    EXPECT_FALSE(decode_anchor(ByteView{}).has_value());

    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    auto none = read_anchor(*store);
    ASSERT_TRUE(none.has_value());
    EXPECT_FALSE(none->has_value());
    ASSERT_TRUE(write_anchor(*store, a).has_value());
    auto some = read_anchor(*store);
    ASSERT_TRUE(some.has_value() && some->has_value());
    EXPECT_EQ(**some, a);

    const std::string key(kAnchorRecordKey);
    const uint8_t junk[] = {0xc0};
    ASSERT_TRUE(store->put_record(ByteView{reinterpret_cast<const uint8_t*>(key.data()), key.size()}, junk));
    auto bad = read_anchor(*store);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, BootstrapErrc::kMalformedAnchor);
}

TEST(Bootstrap, VerifiesFetchesChecksAndRecordsTheAnchor) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    const auto set = validators();
    ptest::run_scenario([&](Executor ex) -> Task<void> {
        Net net;
        co_await net.start(ex);
        FixedSource source(checkpoint_of(kCheckpointBlock, 3));
        auto verified = co_await fetch_verified_checkpoint(source, set);
        EXPECT_TRUE(verified.has_value()) << (verified ? "" : to_string(verified.error()));
        if (verified) {
            checkpoint::CheckpointRegistry registry(*store);
            AnchorOptions opts;
            opts.registry = &registry;
            opts.source_name = source.name();
            opts.freshness.allow_stale = true;  // the generated chain's timestamps are from 2023
            auto anchor = co_await anchor_checkpoint(*store, *net.client, *verified, p2p::Clock::now() + 5s, opts);
            EXPECT_TRUE(anchor.has_value()) << (anchor ? "" : to_string(anchor.error()));
            if (anchor) {
                EXPECT_EQ(anchor->block_num, kCheckpointBlock);
                EXPECT_EQ(anchor->block_hash, test_chain().blocks[kCheckpointBlock].header.hash);
            }
            auto listed = registry.list();
            EXPECT_TRUE(listed.has_value() && listed->size() == 1u);

            // Idempotent for the same checkpoint; a different one conflicts and writes nothing.
            AnchorOptions plain;
            auto again = co_await anchor_checkpoint(*store, *net.client, *verified, p2p::Clock::now() + 5s, plain);
            EXPECT_TRUE(again.has_value());
            FixedSource other(checkpoint_of(kCheckpointBlock + 10, 3));
            auto v2 = co_await fetch_verified_checkpoint(other, set);
            EXPECT_TRUE(v2.has_value());
            if (v2) {
                auto conflict = co_await anchor_checkpoint(*store, *net.client, *v2, p2p::Clock::now() + 5s, plain);
                EXPECT_FALSE(conflict.has_value());
                if (!conflict) {
                    EXPECT_EQ(conflict.error().code, BootstrapErrc::kAnchorConflict);
                }
            }
        }
        co_await net.stop();
    });
    // The anchor is durable: a restart reads it back.
    store.reset();
    store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    auto anchor = read_anchor(*store);
    ASSERT_TRUE(anchor.has_value() && anchor->has_value());
    EXPECT_EQ((*anchor)->block_num, kCheckpointBlock);
    EXPECT_EQ(store->head(storage::DataKind::kHeaders), std::optional<uint64_t>(kCheckpointBlock));
    auto h = store->get_header(kCheckpointBlock);
    ASSERT_TRUE(h.has_value() && h->found());
    EXPECT_EQ(**h, test_chain().blocks[kCheckpointBlock].header);
    EXPECT_EQ(store->head(storage::DataKind::kBodies), std::nullopt);  // bodies are the backward side's job
}

TEST(Bootstrap, InsufficientStakeIsATypedErrorAndWritesNothing) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    const auto set = validators();
    ptest::run_scenario([&](Executor) -> Task<void> {
        FixedSource source(checkpoint_of(kCheckpointBlock, 2));  // 200 of 400: not more than 2/3
        auto verified = co_await fetch_verified_checkpoint(source, set);
        EXPECT_FALSE(verified.has_value());
        if (!verified) {
            EXPECT_EQ(verified.error().code, BootstrapErrc::kVerify);
            EXPECT_EQ(verified.error().verify, checkpoint::VerifyErrc::kInsufficientStake);
            EXPECT_NE(to_string(verified.error()).find("insufficient stake"), std::string::npos)
                << to_string(verified.error());
        }

        Checkpoint wrong_chain = checkpoint_of(kCheckpointBlock, 3);
        wrong_chain.chain_id = 1;
        FixedSource other(wrong_chain);
        auto v2 = co_await fetch_verified_checkpoint(other, set);
        EXPECT_FALSE(v2.has_value());
        if (!v2) {
            EXPECT_EQ(v2.error().verify, checkpoint::VerifyErrc::kWrongChain);
        }

        FixedSource failing(
            unexpected(checkpoint::SourceError{checkpoint::SourceErrc::kTimeout, "test:fixed", "slow"}));
        auto v3 = co_await fetch_verified_checkpoint(failing, set);
        EXPECT_FALSE(v3.has_value());
        if (!v3) {
            EXPECT_EQ(v3.error().code, BootstrapErrc::kSource);
            EXPECT_EQ(v3.error().source, checkpoint::SourceErrc::kTimeout);
        }
    });
    expect_untouched(*store);
}

TEST(Bootstrap, CheckpointWhoseBlockHasAnotherStateRootIsRefused) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    const auto set = validators();
    ptest::run_scenario([&](Executor ex) -> Task<void> {
        Net net;
        co_await net.start(ex);
        // Validly signed, but the state root is not the one of the block its hash names.
        Checkpoint c;
        c.chain_id = test_chain().spec.chain_id();
        c.block_num = kCheckpointBlock;
        c.block_hash = test_chain().blocks[kCheckpointBlock].header.hash;
        c.state_root = test_chain().blocks[kCheckpointBlock + 1].header.header.state_root;
        c.timestamp = test_chain().blocks[kCheckpointBlock].header.header.timestamp;
        ctest::sign_ecdsa(c, ctest::first(4));
        FixedSource source(c);
        auto verified = co_await fetch_verified_checkpoint(source, set);
        EXPECT_TRUE(verified.has_value());
        if (verified) {
            checkpoint::CheckpointRegistry registry(*store);
            AnchorOptions opts;
            opts.registry = &registry;
            opts.freshness.allow_stale = true;
            auto anchor = co_await anchor_checkpoint(*store, *net.client, *verified, p2p::Clock::now() + 5s, opts);
            EXPECT_FALSE(anchor.has_value());
            if (!anchor) {
                EXPECT_EQ(anchor.error().code, BootstrapErrc::kHeaderMismatch);
                EXPECT_NE(anchor.error().detail.find("state root"), std::string::npos) << anchor.error().detail;
            }
        }
        co_await net.stop();
    });
    expect_untouched(*store);
}

TEST(Bootstrap, PeerServingAnotherHeaderIsReportedAndRefused) {
    storage::testing::TempDir dir;
    auto store = storage::testing::open_store(dir.path());
    ASSERT_TRUE(store);
    const auto set = validators();
    FakeService service;
    PeerInfo liar;
    liar.peer_id[0] = 0x42;
    service.list.push_back(liar);
    service.served.push_back(test_chain().blocks[kCheckpointBlock + 1].header);  // not the block asked for
    ptest::run_scenario([&](Executor) -> Task<void> {
        FixedSource source(checkpoint_of(kCheckpointBlock, 3));
        auto verified = co_await fetch_verified_checkpoint(source, set);
        EXPECT_TRUE(verified.has_value());
        if (!verified) co_return;
        AnchorOptions opts;
        opts.retry_interval = 20ms;
        auto anchor = co_await anchor_checkpoint(*store, service, *verified, p2p::Clock::now() + 300ms, opts);
        EXPECT_FALSE(anchor.has_value());
        if (!anchor) {
            EXPECT_EQ(anchor.error().code, BootstrapErrc::kHeaderMismatch) << to_string(anchor.error());
        }
        {
            std::lock_guard lock(service.mutex);
            EXPECT_FALSE(service.reports.empty());
            for (const auto& [peer, what] : service.reports) {
                EXPECT_EQ(peer, liar.peer_id);
                EXPECT_EQ(what, Misbehaviour::kInvalidData);
            }
        }

        // No peer at all: a bounded wait, then kNoPeerAnswered.
        FakeService empty;
        const auto start = p2p::Clock::now();
        auto none = co_await anchor_checkpoint(*store, empty, *verified, p2p::Clock::now() + 200ms, opts);
        EXPECT_FALSE(none.has_value());
        if (!none) {
            EXPECT_EQ(none.error().code, BootstrapErrc::kNoPeerAnswered);
        }
        EXPECT_LT(p2p::Clock::now() - start, 2s);
    });
    expect_untouched(*store);
}

}  // namespace
}  // namespace hypasis::sync
