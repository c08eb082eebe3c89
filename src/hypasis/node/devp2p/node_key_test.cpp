// The node key file: generation (mode 0600, geth's format), reloading the same key, and each refusal.
#include "hypasis/node/devp2p/node_key.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/node/commands/store_test_support.hpp"

namespace hypasis::node {
namespace {

using testing::StoreCommandTest;
using NodeKeyTest = StoreCommandTest;

void write_text(const std::filesystem::path& p, const std::string& text, mode_t mode = 0600) {
    std::ofstream(p, std::ios::binary) << text;
    ::chmod(p.c_str(), mode);
}

TEST_F(NodeKeyTest, CreatedOnceThenReloaded) {
    const auto path = dir_ / kNodeKeyFile;
    auto first = load_or_create_node_key(path);
    ASSERT_TRUE(first.has_value()) << first.error();
    EXPECT_TRUE(first->created);
    EXPECT_TRUE(first->warning.empty());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const std::string text = testing::read_bytes(path);
    ASSERT_EQ(text.size(), 65u);
    EXPECT_EQ(text.substr(0, 64), to_hex(first->secret, false));
    EXPECT_EQ(text.back(), '\n');
    EXPECT_FALSE(std::filesystem::exists(path.string() + ".tmp"));
    EXPECT_EQ(first->id, *crypto::public_key(first->secret));

    auto second = load_or_create_node_key(path);
    ASSERT_TRUE(second.has_value());
    EXPECT_FALSE(second->created);
    EXPECT_EQ(second->secret, first->secret);
    EXPECT_EQ(second->id, first->id);
}

TEST_F(NodeKeyTest, ReadsGethFormatWithWhitespace) {
    // The secret 1: its public key is the curve's generator G (SEC 2).
    const auto path = dir_ / "key";
    write_text(path, "  0000000000000000000000000000000000000000000000000000000000000001\r\n");
    auto key = load_node_key(path);
    ASSERT_TRUE(key.has_value()) << key.error();
    EXPECT_EQ(to_hex(key->id, false).substr(0, 64), "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");
}

TEST_F(NodeKeyTest, Refusals) {
    const auto missing = load_node_key(dir_ / "nope");
    ASSERT_FALSE(missing.has_value());
    EXPECT_NE(missing.error().find("does not exist"), std::string::npos) << missing.error();

    write_text(dir_ / "short", "abcd");
    EXPECT_NE(load_node_key(dir_ / "short").error().find("expected 64 hex digits"), std::string::npos);
    write_text(dir_ / "nothex", std::string(64, 'g'));
    EXPECT_NE(load_node_key(dir_ / "nothex").error().find("expected 64 hex digits"), std::string::npos);
    write_text(dir_ / "zero", std::string(64, '0'));
    EXPECT_NE(load_node_key(dir_ / "zero").error().find("not a valid secp256k1"), std::string::npos);
    // Above the curve order n.
    write_text(dir_ / "big", std::string(64, 'f'));
    EXPECT_NE(load_node_key(dir_ / "big").error().find("not a valid secp256k1"), std::string::npos);
    write_text(dir_ / "huge", std::string(2000, '0'));
    EXPECT_NE(load_node_key(dir_ / "huge").error().find("over 1 KiB"), std::string::npos);
    EXPECT_NE(load_node_key(dir_).error().find("not a regular file"), std::string::npos);
    // load_or_create never overwrites a bad file.
    EXPECT_FALSE(load_or_create_node_key(dir_ / "zero").has_value());
}

TEST_F(NodeKeyTest, OpenPermissionsWarn) {
    const auto path = dir_ / "open";
    write_text(path, std::string(63, '0') + "2", 0644);
    auto key = load_node_key(path);
    ASSERT_TRUE(key.has_value());
    EXPECT_NE(key->warning.find("readable by other users"), std::string::npos);
}

}  // namespace
}  // namespace hypasis::node
