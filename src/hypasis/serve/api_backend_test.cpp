// make_backend() over a real BlockStore and an in-test SyncControl, read through the real server.
#include "hypasis/serve/api_backend.hpp"

#include <atomic>
#include <boost/json/array.hpp>
#include <filesystem>
#include <random>

#include "hypasis/serve/test_support_test.hpp"
#include "hypasis/test_util/chain_generator.hpp"

namespace hypasis::serve {
namespace {

namespace fs = std::filesystem;
using namespace hypasis::serve::test;

class CountingControl final : public sync::SyncControl {
  public:
    sync::SyncStatus status() const override {
        sync::SyncStatus s = known_status();
        s.backward_paused = paused_;
        return s;
    }
    void pause_backward() override { paused_ = true; }
    void resume_backward() override { paused_ = false; }
    bool paused() const { return paused_; }

  private:
    std::atomic<bool> paused_{false};
};

class BackendOverStore : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-serve-" + std::to_string(std::random_device{}()));
        auto store = storage::BlockStore::open(dir_);
        ASSERT_TRUE(store) << store.error().what;
        store_ = std::move(*store);
        hypasis::test::ChainGenerator gen;
        const auto blocks = gen.blocks(30);
        // Stored: [0, 5), [10, 20), [25, 30); no receipts.
        for (const auto& [first, end] : {std::pair{0, 5}, std::pair{10, 20}, std::pair{25, 30}}) {
            const std::span<const Block> part(blocks.data() + first, static_cast<std::size_t>(end - first));
            ASSERT_TRUE(store_->put_blocks(part));
        }
    }
    void TearDown() override {
        store_.reset();
        fs::remove_all(dir_);
    }
    fs::path dir_;
    std::unique_ptr<storage::BlockStore> store_;
};

TEST_F(BackendOverStore, GapsComeFromTheStoreAboveTheHistoryLimit) {
    CountingControl control;
    const ApiBackend b = make_backend({.control = &control, .store = store_.get(), .history_limit = 2});
    ASSERT_TRUE(b.gaps);
    const auto headers = b.gaps(storage::DataKind::kHeaders);
    ASSERT_EQ(headers.size(), 2u);
    EXPECT_EQ(headers[0].first, 5u);
    EXPECT_EQ(headers[0].end, 10u);
    EXPECT_EQ(headers[1].first, 20u);
    EXPECT_EQ(headers[1].end, 25u);
    const auto receipts = b.gaps(storage::DataKind::kReceipts);  // none stored: all of [limit, head + 1)
    ASSERT_EQ(receipts.size(), 1u);
    EXPECT_EQ(receipts[0].first, 2u);
    EXPECT_EQ(receipts[0].end, 30u);
    EXPECT_FALSE(b.peers);  // no peer source given
    EXPECT_FALSE(b.bans);
    ASSERT_TRUE(b.checkpoints);
    const auto list = b.checkpoints();
    ASSERT_TRUE(list);
    EXPECT_TRUE(list->empty());
    ASSERT_TRUE(b.store_stats);
}

TEST_F(BackendOverStore, TheServerShowsTheStoreAndControlsTheEngine) {
    CountingControl control;
    RestServerOptions o;
    o.token = "backend-token-0123456789";
    ServerThread srv(make_backend({.control = &control, .store = store_.get()}), o);
    const auto gaps = body_json(get(srv.endpoint(), "/api/v1/gaps?kind=headers"));
    EXPECT_EQ(gaps.at("headers").at("count"), 2);
    EXPECT_EQ(gaps.at("headers").at("blocks"), 10);
    EXPECT_EQ(gaps.at("headers").at("gaps").at(0).at("first"), 20);  // newest first
    EXPECT_EQ(get(srv.endpoint(), "/api/v1/peers").result_int(), 503u);
    EXPECT_EQ(body_json(get(srv.endpoint(), "/api/v1/checkpoints")).at("checkpoints").as_array().size(), 0u);

    EXPECT_EQ(request(srv.endpoint(), http::verb::post, "/api/v1/sync/pause",
                      {{"Authorization", "Bearer backend-token-0123456789"}})
                  .result_int(),
              200u);
    EXPECT_TRUE(control.paused());
    EXPECT_EQ(body_json(get(srv.endpoint(), "/api/v1/status")).at("backwardPaused"), true);
    EXPECT_EQ(request(srv.endpoint(), http::verb::post, "/api/v1/sync/resume",
                      {{"Authorization", "Bearer backend-token-0123456789"}})
                  .result_int(),
              200u);
    EXPECT_FALSE(control.paused());
}

TEST(MakeBackend, NoSourcesLeaveEveryCallbackEmpty) {
    const ApiBackend b = make_backend({});
    EXPECT_FALSE(b.status);
    EXPECT_FALSE(b.peers);
    EXPECT_FALSE(b.gaps);
    EXPECT_FALSE(b.checkpoints);
    EXPECT_FALSE(b.pause);
}

}  // namespace
}  // namespace hypasis::serve
