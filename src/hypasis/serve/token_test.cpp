#include "hypasis/serve/token.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace hypasis::serve {
namespace {

namespace fs = std::filesystem;

class TokenFile : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-token-" + std::to_string(std::random_device{}()));
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    fs::path dir_;
};

TEST_F(TokenFile, CreatedOnceWith64HexDigitsAndMode0600) {
    const fs::path path = dir_ / "api-token";
    const auto first = load_or_create_token(path);
    ASSERT_TRUE(first) << first.error().detail;
    ASSERT_EQ(first->size(), 64u);
    EXPECT_EQ(first->find_first_not_of("0123456789abcdef"), std::string::npos);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const auto again = load_or_create_token(path);
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, *first);
    // Another file gets another token.
    const auto other = load_or_create_token(dir_ / "other");
    ASSERT_TRUE(other);
    EXPECT_NE(*other, *first);
}

TEST_F(TokenFile, AnOperatorTokenIsReadAndTrimmed) {
    const fs::path path = dir_ / "mine";
    std::ofstream(path) << "  my-operator-token-123456\n\n";
    const auto t = load_or_create_token(path);
    ASSERT_TRUE(t);
    EXPECT_EQ(*t, "my-operator-token-123456");
}

TEST_F(TokenFile, UnusableFilesAreTypedErrors) {
    const fs::path empty = dir_ / "empty";
    std::ofstream(empty) << "\n";
    auto e = load_or_create_token(empty);
    ASSERT_FALSE(e);
    EXPECT_EQ(e.error().code, TokenErrc::kMalformed);
    EXPECT_NE(e.error().detail.find(empty.string()), std::string::npos);
    EXPECT_EQ(to_string(e.error()), e.error().detail);
    EXPECT_EQ(to_string(TokenError{TokenErrc::kIo, ""}), "token file i/o");

    const fs::path spaced = dir_ / "spaced";
    std::ofstream(spaced) << "two words in one token file";
    EXPECT_EQ(load_or_create_token(spaced).error().code, TokenErrc::kMalformed);

    const fs::path shortish = dir_ / "short";
    std::ofstream(shortish) << "abc";
    EXPECT_EQ(load_or_create_token(shortish).error().code, TokenErrc::kMalformed);

    EXPECT_EQ(load_or_create_token(dir_).error().code, TokenErrc::kIo);  // a directory
    EXPECT_EQ(load_or_create_token(dir_ / "missing-dir" / "api-token").error().code, TokenErrc::kIo);
}

TEST(ConstantTimeEqual, ComparesWholeStrings) {
    EXPECT_TRUE(constant_time_equal("", ""));
    EXPECT_TRUE(constant_time_equal("abc", "abc"));
    EXPECT_FALSE(constant_time_equal("abc", "abd"));
    EXPECT_FALSE(constant_time_equal("abc", "ab"));
    EXPECT_FALSE(constant_time_equal("ab", "abc"));
    EXPECT_FALSE(constant_time_equal("", "a"));
    EXPECT_FALSE(constant_time_equal(std::string_view("a\0", 2), "a"));
    EXPECT_EQ(generate_token().size(), 64u);
}

}  // namespace
}  // namespace hypasis::serve
