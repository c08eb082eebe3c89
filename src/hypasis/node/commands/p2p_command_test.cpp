// The p2p tools' argument checks, which run before any network I/O (the network paths are tested through the
// binary by tests/interop/devp2p against ethereumjs and between two Hypasis instances).
#include "hypasis/node/commands/p2p_command.hpp"

#include <gtest/gtest.h>

#include "hypasis/node/commands/p2p_fetch.hpp"
#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

using testing::capture;

constexpr const char* kEnode =
    "enode://79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a6"
    "8554199c47d08ffb10d4b8@127.0.0.1:1";

FetchOptions fetch_options() {
    FetchOptions o;
    o.tool.enode = kEnode;
    o.chain.chain = "mainnet";
    o.count = 10;
    o.progress = ProgressMode::kQuiet;
    return o;
}

TEST(P2pFetchArgs, OutNeedsBodies) {
    auto o = fetch_options();
    o.out = "/nonexistent/x.rlp";
    const auto r = capture([&](std::FILE* out, std::FILE* err) { return run_p2p_fetch(o, out, err); });
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--out needs --bodies"), std::string::npos) << r.err;
}

TEST(P2pFetchArgs, CountAndRangeChecks) {
    auto o = fetch_options();
    o.count = 0;
    auto r = capture([&](std::FILE* out, std::FILE* err) { return run_p2p_fetch(o, out, err); });
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("--count must be at least 1"), std::string::npos) << r.err;
    o.count = 2;
    o.from = UINT64_MAX;
    r = capture([&](std::FILE* out, std::FILE* err) { return run_p2p_fetch(o, out, err); });
    EXPECT_NE(r.err.find("overflows"), std::string::npos) << r.err;
}

TEST(P2pFetchArgs, BadEnodeIsNamed) {
    auto o = fetch_options();
    o.tool.enode = "enode://1234@127.0.0.1:1";
    const auto r = capture([&](std::FILE* out, std::FILE* err) { return run_p2p_fetch(o, out, err); });
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("enode://1234@127.0.0.1:1"), std::string::npos) << r.err;
}

TEST(P2pTools, UnreachablePeerFailsWithinTheDeadline) {
    // Port 1 on loopback: nothing listens, the connect is refused at once; the error names the step and the peer.
    PingOptions o;
    o.tool.enode = kEnode;
    o.tool.timeout = std::chrono::milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    const auto r = capture([&](std::FILE* out, std::FILE* err) { return run_p2p_ping(o, out, err); });
    EXPECT_EQ(r.code, 1);
    EXPECT_NE(r.err.find("discv4 PING"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("RLPx handshake"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(kEnode), std::string::npos) << r.err;
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(P2pTools, NodeKeyFileErrors) {
    auto key = tool_node_key("/nonexistent/hypasis-nodekey");
    ASSERT_FALSE(key.has_value());
    EXPECT_NE(key.error().find("does not exist"), std::string::npos);
    EXPECT_TRUE(tool_node_key("").has_value());  // a fresh random key
}

}  // namespace
}  // namespace hypasis::node
