#include "hypasis/core/validation/linkage.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/types/e2store.hpp"
#include "hypasis/core/validation/test_blocks.hpp"

namespace hypasis::validation {
namespace {

constexpr e2store::EntryType kPortalHeaderRlp = 0xff00;  // the Portal test file's record type: one raw header RLP

std::string result(const Expected<void, LinkageFailure>& r) {
    return r ? "ok" : std::to_string(r.error().index) + ": " + std::string(to_string(r.error().error));
}
std::string failure(std::size_t index, HeaderError e) {
    return std::to_string(index) + ": " + std::string(to_string(e));
}

class Linkage : public ::testing::Test {
  protected:
    void SetUp() override {
        std::string why;
        const auto e2s = test::fixture("portal-spec-tests/history/headers/1000001-1000010.e2s", why);
        const auto keys = test::fixture("portal-spec-tests/history/headers_with_proof/1000001-1000010.json", why);
        if (!e2s || !keys) GTEST_SKIP() << "skipped: real-data fixture unavailable: " << why;
        file_ = test::read_file(*e2s);
        ByteView in = as_bytes(file_);
        while (!in.empty()) {
            auto e = e2store::read_entry(in);
            ASSERT_TRUE(e);
            ASSERT_EQ(e->type, kPortalHeaderRlp);
            auto h = decode_header(e->data);
            ASSERT_TRUE(h);
            ascending_.push_back(std::move(*h));
        }
        ASSERT_EQ(ascending_.size(), 10u);
        descending_.assign(ascending_.rbegin(), ascending_.rend());
        // The trusted anchor comes from elsewhere: the Portal content key of block 1000010 is 0x00 || its hash.
        const auto proofs = test::read_json(*keys).as_object();
        const auto key = from_hex(std::string(proofs.at("1000010").at("content_key").as_string()));
        ASSERT_TRUE(key && key->size() == 33);
        top_hash_ = to_fixed<32>(ByteView{*key}.subspan(1));
    }

    // Block 1000011 is the trusted child: it names 1000010's hash as its parent.
    TrustedChild anchor() const { return TrustedChild{1'000'011, top_hash_}; }

    std::string file_;
    std::vector<SealedHeader> ascending_;   // 1000001 .. 1000010
    std::vector<SealedHeader> descending_;  // 1000010 .. 1000001
    Hash top_hash_{};
};

TEST_F(Linkage, PortalHeadersLinkToATrustedHash) {
    EXPECT_EQ(result(validate_linkage(descending_, anchor())), "ok");
    EXPECT_EQ(result(validate_linkage(descending_, top_hash_)), "ok");
    // A sub-range below a trusted header of the file: [1000001, 1000010) under block 1000010.
    const SealedHeader& top = descending_[0];
    EXPECT_EQ(result(validate_linkage(std::span(descending_).subspan(1),
                                      TrustedChild{top.header.number, top.header.parent_hash})),
              "ok");
    // Forward, from the trusted 1000001.
    EXPECT_EQ(result(validate_linkage_ascending(ascending_[0], std::span(ascending_).subspan(1))), "ok");
    // Empty runs link trivially.
    EXPECT_EQ(result(validate_linkage({}, anchor())), "ok");
    EXPECT_EQ(result(validate_linkage_ascending(ascending_[0], {})), "ok");
}

TEST_F(Linkage, WrongAnchorFailsAtTheTop) {
    Hash other = top_hash_;
    other[0] ^= 1;
    EXPECT_EQ(result(validate_linkage(descending_, TrustedChild{1'000'011, other})),
              failure(0, HeaderError::kParentHashMismatch));
    EXPECT_EQ(result(validate_linkage(descending_, TrustedChild{1'000'012, top_hash_})),
              failure(0, HeaderError::kNumberMismatch));
    EXPECT_EQ(result(validate_linkage(descending_, TrustedChild{0, top_hash_})),
              failure(0, HeaderError::kNumberMismatch));
    EXPECT_EQ(result(validate_linkage_ascending(ascending_[1], std::span(ascending_).subspan(1))),
              failure(0, HeaderError::kParentHashMismatch));
}

TEST_F(Linkage, SwappedHeadersFail) {
    auto swapped = descending_;
    std::swap(swapped[3], swapped[4]);
    EXPECT_EQ(result(validate_linkage(swapped, anchor())), failure(3, HeaderError::kParentHashMismatch));
    auto up = ascending_;
    std::swap(up[6], up[7]);
    EXPECT_EQ(result(validate_linkage_ascending(up[0], std::span(up).subspan(1))),
              failure(5, HeaderError::kParentHashMismatch));  // up[6] sits at index 5 of the span
}

TEST_F(Linkage, AlteredHeaderFails) {
    // Any change to a header changes its hash, so the header above no longer names it.
    auto altered = descending_;
    BlockHeader h = altered[5].header;
    h.gas_used += 1;
    altered[5] = seal(h);
    EXPECT_EQ(result(validate_linkage(altered, anchor())), failure(5, HeaderError::kParentHashMismatch));
    // A flipped byte in the received RLP (inside extraData) decodes to another header with another hash.
    Bytes rlp = descending_[7].rlp;
    const auto pos = std::search(rlp.begin(), rlp.end(), descending_[7].header.extra_data.begin(),
                                 descending_[7].header.extra_data.end());
    ASSERT_NE(pos, rlp.end());
    *pos ^= 0x01;
    auto redecoded = decode_header(rlp);
    ASSERT_TRUE(redecoded);
    altered = descending_;
    altered[7] = std::move(*redecoded);
    EXPECT_EQ(result(validate_linkage(altered, anchor())), failure(7, HeaderError::kParentHashMismatch));
    // Dropping a header breaks the run where it was.
    altered = descending_;
    altered.erase(altered.begin() + 2);
    EXPECT_EQ(result(validate_linkage(altered, anchor())), failure(2, HeaderError::kParentHashMismatch));
}

// Numbers must be consecutive even where hashes link (headers built to link, with a gap in numbering).
TEST(LinkageSynthetic, NumberGapFails) {
    std::vector<SealedHeader> up;
    BlockHeader h;
    h.number = 100;
    up.push_back(seal(h));
    for (uint64_t n : {101, 102, 104, 105}) {
        h.number = n;
        h.parent_hash = up.back().hash;
        up.push_back(seal(h));
    }
    EXPECT_EQ(result(validate_linkage_ascending(up[0], std::span(up).subspan(1))),
              failure(2, HeaderError::kNumberMismatch));
    std::vector<SealedHeader> down(up.rbegin(), up.rend());
    EXPECT_EQ(result(validate_linkage(down, TrustedChild{106, down[0].hash})),
              failure(2, HeaderError::kNumberMismatch));
    EXPECT_EQ(result(validate_linkage(std::span(down).first(2), TrustedChild{106, down[0].hash})), "ok");
}

}  // namespace
}  // namespace hypasis::validation
