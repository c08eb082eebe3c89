// Transactions (EIP-2718 canonical bytes): any accepted transaction re-encodes byte for byte; sender recovery
// on arbitrary signatures returns a value or a typed error, never crashes.
#include <algorithm>

#include "fuzz_check.hpp"
#include "hypasis/core/types/transaction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace hypasis;
    auto txn = decode_transaction(ByteView{data, size});
    if (!txn) return 0;
    const Bytes again = encode_transaction(*txn);
    FUZZ_CHECK(again.size() == size && std::equal(again.begin(), again.end(), data));
    FUZZ_CHECK(txn->encoded == again);
    (void)recover_sender(*txn);
    for (const auto& auth : txn->authorization_list) (void)recover_authority(auth);
    return 0;
}
