#include "hypasis/sync/budgeted_peers.hpp"

#include <gtest/gtest.h>

#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "hypasis/p2p/peers/error.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::sync {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using p2p::peers::HeadersRequest;
using p2p::peers::Misbehaviour;
using p2p::peers::PeerId;
using p2p::peers::PeerInfo;

const std::vector<Block>& blocks() {
    static const std::vector<Block> b = [] {
        test::ChainGenerator gen;
        std::vector<Block> out{gen.genesis()};
        for (int i = 0; i < 8; ++i) out.push_back(gen.next().block);
        return out;
    }();
    return b;
}

// Answers headers and bodies from blocks(); fails every request to peer 0xff; records reports.
class Inner final : public p2p::peers::PeerService {
  public:
    std::vector<PeerInfo> peers() const override { return {}; }
    Task<Expected<std::vector<SealedHeader>, std::error_code>> get_headers(PeerId peer, HeadersRequest r) override {
        if (peer[0] == 0xff) co_return unexpected(make_error_code(p2p::peers::PeerError::kTimeout));
        std::vector<SealedHeader> out;
        for (uint64_t i = 0; i < r.amount; ++i) out.push_back(blocks()[std::get<uint64_t>(r.origin) + i].header);
        co_return out;
    }
    Task<Expected<std::vector<BlockBody>, std::error_code>> get_bodies(PeerId, std::vector<Hash> h) override {
        std::vector<BlockBody> out;
        for (std::size_t i = 0; i < h.size(); ++i) out.push_back(blocks()[i].body);
        co_return out;
    }
    Task<Expected<std::vector<std::vector<Receipt>>, std::error_code>> get_receipts(PeerId,
                                                                                    std::vector<Hash>) override {
        co_return std::vector<std::vector<Receipt>>{};
    }
    void report(const PeerId&, Misbehaviour what) override { reported.push_back(what); }
    std::vector<Misbehaviour> reported;
};

template <class F>
void run(F make_task) {
    asio::io_context ctx;
    bool done = false;
    asio::co_spawn(ctx, make_task(), [&](std::exception_ptr e) {
        done = true;
        EXPECT_FALSE(e);
    });
    ctx.run_for(10s);
    ASSERT_TRUE(done);
}

TEST(BudgetedPeerService, CountsRequestsBytesAndFailuresAndChargesItsDirection) {
    Inner inner;
    Budget budget(BudgetConfig{});
    BudgetedPeerService peers(inner, budget, Direction::kBackward);
    uint64_t header_bytes = 0, body_bytes = 0;
    for (int i = 2; i < 6; ++i) header_bytes += blocks()[i].header.rlp.size();
    for (int i = 0; i < 3; ++i) body_bytes += encode(blocks()[i].body).size();
    run([&]() -> Task<void> {
        PeerId good{};
        auto h = co_await peers.get_headers(good, HeadersRequest{uint64_t{2}, 4, 0, false});
        EXPECT_TRUE(h && h->size() == 4);
        auto b = co_await peers.get_bodies(good, std::vector<Hash>(3));
        EXPECT_TRUE(b && b->size() == 3);
        PeerId bad{};
        bad[0] = 0xff;
        auto f = co_await peers.get_headers(bad, HeadersRequest{uint64_t{2}, 4, 0, false});
        EXPECT_FALSE(f);
    });
    const auto c = peers.counters();
    EXPECT_EQ(c.requests, 3u);
    EXPECT_EQ(c.failed_requests, 1u);
    EXPECT_EQ(c.bytes, header_bytes + body_bytes);
    EXPECT_EQ(budget.bandwidth(Direction::kBackward).used, header_bytes + body_bytes);
    EXPECT_EQ(budget.bandwidth(Direction::kForward).used, 0u);
    peers.report(PeerId{}, Misbehaviour::kUselessResponse);
    ASSERT_EQ(inner.reported.size(), 1u);
    EXPECT_EQ(inner.reported[0], Misbehaviour::kUselessResponse);
}

TEST(BudgetedPeerService, WaitsForItsBudgetWhenInDebt) {
    Inner inner;
    BudgetConfig config;
    config.total_bytes_per_second = 200'000;  // backward: 60 kB/s, bucket 64 KiB
    config.allow_borrow = false;
    Budget budget(config);
    BudgetedPeerService peers(inner, budget, Direction::kBackward);
    run([&]() -> Task<void> {
        budget.charge(Direction::kBackward, 70'000);  // in debt by ~4.5 kB: ~75 ms to repay
        auto h = co_await peers.get_headers(PeerId{}, HeadersRequest{uint64_t{0}, 2, 0, false});
        EXPECT_TRUE(h && h->size() == 2);
    });
    EXPECT_EQ(budget.bandwidth(Direction::kBackward).waits, 1u);
    EXPECT_EQ(peers.counters().requests, 1u);
}

TEST(BudgetedPeerService, ReceiptEstimateGrowsWithLogs) {
    std::vector<Receipt> rs(2);
    const uint64_t plain = BudgetedPeerService::estimated_size(rs);
    rs[0].logs.push_back(Log{Address{}, {Hash{}, Hash{}}, Bytes(100)});
    EXPECT_EQ(BudgetedPeerService::estimated_size(rs), plain + 26 + 2 * 33 + 100);
}

TEST(BudgetedPeerService, HeldRequestsAreNotSentNorCounted) {
    Inner inner;
    BudgetConfig config;
    config.total_bytes_per_second = 100'000;  // backward: 30 kB/s, bucket 64 KiB
    config.allow_borrow = false;
    Budget budget(config);
    BudgetedPeerService peers(inner, budget, Direction::kBackward);
    run([&]() -> Task<void> {
        peers.hold(true);
        auto h = co_await peers.get_headers(PeerId{}, HeadersRequest{uint64_t{0}, 2, 0, false});
        EXPECT_TRUE(!h && BudgetedPeerService::not_sent(h.error()));
        auto b = co_await peers.get_bodies(PeerId{}, std::vector<Hash>(2));
        EXPECT_TRUE(!b && BudgetedPeerService::not_sent(b.error()));
        auto r = co_await peers.get_receipts(PeerId{}, std::vector<Hash>(2));
        EXPECT_TRUE(!r && BudgetedPeerService::not_sent(r.error()));
        EXPECT_EQ(peers.counters().requests, 0u);

        // Held while it waits for its budget: it gives up instead of going out when the debt is repaid.
        peers.hold(false);
        budget.charge(Direction::kBackward, 64 * 1024 + 30'000);  // ~1 s of debt
        std::thread holder([&] {
            std::this_thread::sleep_for(100ms);
            peers.hold(true);
        });
        auto waited = co_await peers.get_headers(PeerId{}, HeadersRequest{uint64_t{0}, 2, 0, false});
        holder.join();
        EXPECT_TRUE(!waited && BudgetedPeerService::not_sent(waited.error()));
        EXPECT_EQ(peers.counters().requests, 0u);

        peers.hold(false);
        auto sent = co_await peers.get_headers(PeerId{}, HeadersRequest{uint64_t{0}, 2, 0, false});
        EXPECT_TRUE(sent && sent->size() == 2);
    });
    EXPECT_EQ(peers.counters().requests, 1u);
    EXPECT_EQ(peers.counters().failed_requests, 0u);
    EXPECT_FALSE(BudgetedPeerService::not_sent(make_error_code(p2p::peers::PeerError::kTimeout)));
}

}  // namespace
}  // namespace hypasis::sync
