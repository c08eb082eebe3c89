#include "hypasis/sync/budget.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

namespace hypasis::sync {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;

BudgetConfig limited(double total) {
    BudgetConfig c;
    c.total_bytes_per_second = total;
    return c;
}

// Runs `task` to completion on a fresh io_context.
template <class F>
void run(F make_task) {
    asio::io_context ctx;
    bool done = false;
    std::exception_ptr error;
    asio::co_spawn(ctx, make_task(), [&](std::exception_ptr e) {
        done = true;
        error = e;
    });
    ctx.run_for(30s);
    ASSERT_TRUE(done);
    if (error) std::rethrow_exception(error);
}

TEST(Budget, SharesAndLimitsFollowTheConfig) {
    Budget b(limited(1'000'000));
    EXPECT_DOUBLE_EQ(b.bandwidth(Direction::kForward).share, 0.7);
    EXPECT_DOUBLE_EQ(b.bandwidth(Direction::kBackward).share, 0.3);
    EXPECT_DOUBLE_EQ(b.bandwidth(Direction::kForward).limit_per_second, 700'000);
    EXPECT_DOUBLE_EQ(b.bandwidth(Direction::kBackward).limit_per_second, 300'000);
    EXPECT_DOUBLE_EQ(b.cpu(Direction::kBackward).share, 1.0 - 0.7);
    BudgetConfig odd = limited(-5);
    odd.forward_share = 3;
    Budget clamped(odd);
    EXPECT_DOUBLE_EQ(clamped.config().total_bytes_per_second, 0);  // unlimited
    EXPECT_DOUBLE_EQ(clamped.config().forward_share, 1.0);
}

TEST(Budget, UnlimitedNeverWaitsButCounts) {
    Budget b(BudgetConfig{});
    run([&]() -> Task<void> {
        for (int i = 0; i < 100; ++i) {
            co_await b.acquire(Direction::kBackward, 1 << 20);
            b.charge(Direction::kBackward, 1 << 20);
        }
    });
    EXPECT_EQ(b.bandwidth(Direction::kBackward).used, 100u << 20);
    EXPECT_EQ(b.bandwidth(Direction::kBackward).waits, 0u);
}

TEST(Budget, DebtMakesTheSameDirectionWaitWithoutBorrowing) {
    BudgetConfig c = limited(1'000'000);
    c.allow_borrow = false;
    Budget b(c);
    run([&]() -> Task<void> {
        co_await b.acquire(Direction::kBackward, 1000);
        b.charge(Direction::kBackward, 310'000);  // backward bucket (300 kB) now ~10 kB in debt
        co_await b.acquire(Direction::kBackward, 1000);  // waits ~33 ms for the debt to clear
    });
    EXPECT_EQ(b.bandwidth(Direction::kBackward).waits, 1u);
    EXPECT_EQ(b.bandwidth(Direction::kBackward).borrowed, 0u);
    EXPECT_EQ(b.bandwidth(Direction::kForward).used, 0u);
}

TEST(Budget, ACancelledWaitEndsEarlyWithoutSpending) {
    BudgetConfig c = limited(100'000);  // backward: 30 kB/s
    c.allow_borrow = false;
    Budget b(c);
    std::atomic<bool> cancel{false};
    bool got = true;
    std::chrono::milliseconds waited{};
    run([&]() -> Task<void> {
        EXPECT_TRUE(co_await b.acquire(Direction::kBackward, 1000, &cancel));
        b.charge(Direction::kBackward, 64 * 1024 + 300'000);  // ~10 s of debt at 30 kB/s
        std::thread canceller([&] {
            std::this_thread::sleep_for(100ms);
            cancel = true;
        });
        const auto start = Clock::now();
        got = co_await b.acquire(Direction::kBackward, 1000, &cancel);
        waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        canceller.join();
        // Already cancelled: false at once, even on an unlimited budget.
        Budget unlimited(BudgetConfig{});
        EXPECT_FALSE(co_await unlimited.acquire(Direction::kBackward, 1000, &cancel));
        EXPECT_TRUE(co_await unlimited.acquire(Direction::kBackward, 1000));
    });
    EXPECT_FALSE(got);
    EXPECT_GE(waited, 90ms);
    EXPECT_LT(waited, 2s);  // the debt alone would take ~10 s
    EXPECT_EQ(b.bandwidth(Direction::kBackward).used, 64u * 1024 + 300'000);
}

TEST(Budget, BackwardBorrowsWhatAnIdleForwardLeaves) {
    Budget b(limited(1'000'000));
    run([&]() -> Task<void> {
        co_await b.acquire(Direction::kBackward, 1000);
        b.charge(Direction::kBackward, 310'000);  // in debt
        co_await b.acquire(Direction::kBackward, 50'000);  // forward is full and idle: borrow, no wait
    });
    const auto back = b.bandwidth(Direction::kBackward);
    EXPECT_EQ(back.waits, 0u);
    EXPECT_GE(back.borrowed, 50'000u);
}

TEST(Budget, ForwardNeverWaitsBehindBackward) {
    Budget b(limited(1'000'000));
    run([&]() -> Task<void> {
        // Backward takes everything it can, borrowing down to forward's reserve, until it has to wait.
        for (int i = 0; i < 100 && b.bandwidth(Direction::kBackward).waits == 0; ++i) {
            co_await b.acquire(Direction::kBackward, 60'000);
            b.charge(Direction::kBackward, 60'000);
        }
        EXPECT_GT(b.bandwidth(Direction::kBackward).waits, 0u);
        EXPECT_GT(b.bandwidth(Direction::kBackward).borrowed, 0u);
        // Forward still has its reserve: its requests start at once.
        for (int i = 0; i < 5; ++i) {
            co_await b.acquire(Direction::kForward, 60'000);
            b.charge(Direction::kForward, 60'000);
        }
    });
    EXPECT_EQ(b.bandwidth(Direction::kForward).waits, 0u);
    EXPECT_EQ(b.bandwidth(Direction::kForward).borrowed, 0u);
}

TEST(Budget, ForwardBorrowsBackwardTokensWhenEmpty) {
    Budget b(limited(1'000'000));
    run([&]() -> Task<void> {
        co_await b.acquire(Direction::kForward, 1000);
        b.charge(Direction::kForward, 710'000);  // forward (700 kB) in debt; backward idle with 300 kB
        co_await b.acquire(Direction::kForward, 100'000);  // needs ~110 kB: above backward's 150 kB reserve
    });
    EXPECT_EQ(b.bandwidth(Direction::kForward).waits, 0u);
    EXPECT_GE(b.bandwidth(Direction::kForward).borrowed, 100'000u);
    EXPECT_EQ(b.bandwidth(Direction::kBackward).borrowed, 0u);
}

TEST(Budget, SaturatedLinkSplitsBytesByShare) {
    Budget b(limited(2'000'000));
    std::atomic<bool> stop{false};
    auto pump = [&](Direction d) -> Task<void> {
        while (!stop.load()) {
            co_await b.acquire(d, 20'000);
            b.charge(d, 20'000);
        }
    };
    asio::io_context ctx;
    asio::co_spawn(ctx, pump(Direction::kForward), asio::detached);
    asio::co_spawn(ctx, pump(Direction::kBackward), asio::detached);
    ctx.run_for(1500ms);
    stop = true;
    ctx.run_for(100ms);
    const double f = static_cast<double>(b.bandwidth(Direction::kForward).used);
    const double k = static_cast<double>(b.bandwidth(Direction::kBackward).used);
    ASSERT_GT(f + k, 0);
    EXPECT_NEAR(k / (f + k), 0.3, 0.08) << "forward " << f << " backward " << k;
}

TEST(Budget, CpuRunsForwardJobsFirst) {
    BudgetConfig c;
    c.cpu_threads = 1;
    asio::io_context ctx;  // declared first: destroyed after the budget, whose workers post to it
    Budget b(c);
    std::promise<void> release;
    auto gate = release.get_future().share();
    std::atomic<bool> blocker_running{false};
    std::mutex m;
    std::vector<std::string> order;
    // The callable is named before the co_await (GCC 12, see run_cpu's contract).
    auto job = [&](Direction d, const char* label) -> Task<void> {
        auto record = [&m, &order, name = std::string(label)] {
            std::lock_guard lock(m);
            order.push_back(name);
        };
        co_await b.run_cpu(d, std::move(record));
    };
    asio::co_spawn(ctx, b.run_cpu(Direction::kBackward, [&] {
        blocker_running = true;
        gate.wait();
        return 1;
    }), asio::detached);
    ctx.poll();
    while (!blocker_running) std::this_thread::yield();
    asio::co_spawn(ctx, job(Direction::kBackward, "b1"), asio::detached);
    asio::co_spawn(ctx, job(Direction::kBackward, "b2"), asio::detached);
    asio::co_spawn(ctx, job(Direction::kForward, "f1"), asio::detached);
    ctx.poll();  // all three are queued now
    release.set_value();
    ctx.restart();
    ctx.run_for(5s);
    ASSERT_EQ(order.size(), 3u);
    EXPECT_EQ(order[0], "f1");
    EXPECT_EQ(order[1], "b1");
    EXPECT_EQ(order[2], "b2");
    EXPECT_GE(b.cpu(Direction::kBackward).waits, 2u);
}

TEST(Budget, CpuResultsAndExceptionsComeBackToTheCaller) {
    BudgetConfig c;
    c.cpu_threads = 2;
    Budget b(c);
    run([&]() -> Task<void> {
        const auto caller = std::this_thread::get_id();
        std::thread::id worker;
        const int v = co_await b.run_cpu(Direction::kForward, [&] {
            worker = std::this_thread::get_id();
            return 41 + 1;
        });
        EXPECT_EQ(v, 42);
        EXPECT_NE(worker, caller);
        EXPECT_EQ(std::this_thread::get_id(), caller);  // resumed on the caller's executor
        bool thrown = false;
        try {
            co_await b.run_cpu(Direction::kBackward, []() -> int { throw std::runtime_error("boom"); });
        } catch (const std::runtime_error&) {
            thrown = true;
        }
        EXPECT_TRUE(thrown);
    });
}

// Waits until `n` jobs are inside (or 2 s pass); returns the most seen at once.
struct Concurrency {
    std::atomic<int> inside{0};
    std::atomic<int> most{0};
    void enter_and_wait(int want) {
        const int now = ++inside;
        int m = most.load();
        while (now > m && !most.compare_exchange_weak(m, now)) {
        }
        const auto end = std::chrono::steady_clock::now() + 300ms;
        while (inside.load() < want && std::chrono::steady_clock::now() < end) std::this_thread::yield();
        std::this_thread::sleep_for(20ms);
        --inside;
    }
};

TEST(Budget, CpuBackwardKeepsToItsShareWhileForwardIsBusyAndBorrowsWhenIdle) {
    BudgetConfig c;
    c.cpu_threads = 3;
    c.cpu_forward_share = 0.7;  // backward: round(0.9) = 1 slot while forward works
    Budget b(c);
    ASSERT_EQ(b.backward_cpu_slots(), 1u);
    Concurrency back;
    {
        asio::io_context ctx;
        std::promise<void> release;
        auto gate = release.get_future().share();
        std::atomic<bool> forward_running{false};
        asio::co_spawn(ctx, b.run_cpu(Direction::kForward, [&] {
            forward_running = true;
            gate.wait();
        }), asio::detached);
        ctx.poll();
        while (!forward_running) std::this_thread::yield();
        for (int i = 0; i < 2; ++i) {
            asio::co_spawn(ctx, b.run_cpu(Direction::kBackward, [&] { back.enter_and_wait(2); }), asio::detached);
        }
        ctx.poll();
        std::this_thread::sleep_for(800ms);  // both backward jobs have run by now, one at a time
        release.set_value();
        ctx.restart();
        ctx.run_for(3s);
    }
    EXPECT_EQ(back.most.load(), 1);
    EXPECT_EQ(b.cpu(Direction::kBackward).borrowed, 0u);

    Concurrency idle;
    {
        asio::io_context ctx;
        for (int i = 0; i < 3; ++i) {
            asio::co_spawn(ctx, b.run_cpu(Direction::kBackward, [&] { idle.enter_and_wait(3); }), asio::detached);
        }
        ctx.run_for(3s);
    }
    EXPECT_EQ(idle.most.load(), 3);  // forward idle: backward uses every worker
    EXPECT_GT(b.cpu(Direction::kBackward).borrowed, 0u);
    EXPECT_GT(b.cpu(Direction::kForward).used, 0u);
}

}  // namespace
}  // namespace hypasis::sync
