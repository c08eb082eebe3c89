// Node records from peers (ENRResponse, bootnode lists): decode_enr must never crash; an accepted record is at most
// 300 bytes, re-encodes to exactly the input bytes, round-trips through its text form, and its keys are sorted.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hypasis/p2p/discv4/enr.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hypasis;
    using namespace hypasis::p2p::discv4;
    auto enr = decode_enr(ByteView{data, size});
    // Text form too: the same bytes read as text must never crash either.
    (void)parse_enr_text(std::string_view{reinterpret_cast<const char*>(data), size});
    if (!enr) return 0;
    FUZZ_CHECK(size <= kMaxEnrSize);
    FUZZ_CHECK(enr->encoded().size() == size && std::equal(enr->encoded().begin(), enr->encoded().end(), data));
    for (std::size_t i = 1; i < enr->pairs().size(); ++i) FUZZ_CHECK(enr->pairs()[i - 1].first < enr->pairs()[i].first);
    FUZZ_CHECK(enr->id() == std::optional<std::string>("v4"));
    auto text = parse_enr_text(enr->to_text());
    FUZZ_CHECK(text.has_value() && text->encoded() == enr->encoded());
    return 0;
}
