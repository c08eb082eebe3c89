// Receipt lists in both wire forms (eth/68 with blooms, eth/69 slim): accepted lists re-encode byte for byte.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hypasis/core/types/receipt.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hypasis;
    if (size == 0) return 0;
    const ReceiptForm form = (data[0] & 1) != 0 ? ReceiptForm::kSlim : ReceiptForm::kEth68;
    const ByteView in{data + 1, size - 1};
    auto receipts = decode_receipts(in, form, 1024);
    if (!receipts) return 0;
    const Bytes again = encode_receipts(*receipts, form);
    FUZZ_CHECK(again.size() == in.size() && std::equal(again.begin(), again.end(), in.begin()));
    (void)block_bloom(*receipts);
    return 0;
}
