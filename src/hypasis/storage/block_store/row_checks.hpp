#pragma once
/// The block store's integrity checks of stored rows (storage/README.md, "Integrity"). Internal to block_store/.
/// Each returns the decoded value, or a sentence saying what is wrong for StoreError::what. Thread-safe; they
/// touch only their arguments and throw only std::bad_alloc.
#include <cstdint>
#include <string>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/header.hpp"
#include "hypasis/core/types/receipt.hpp"

namespace hypasis::storage::detail {

/// A headers row (hash || RLP) of block `block_num`: the RLP decodes, keccak of it equals the stored hash, and the
/// header's number is `block_num`.
Expected<SealedHeader, std::string> check_header_row(uint64_t block_num, ByteView row);

/// A bodies row: decodes, and matches `header` (validate_body: transactions root, ommers hash, withdrawals, blob
/// gas).
Expected<BlockBody, std::string> check_body_row(const SealedHeader& header, ByteView row);

/// A receipts row (eth/69 slim list): decodes (blooms recomputed), and matches `header` (validate_receipts: gas
/// used, logs bloom, receipts root).
Expected<std::vector<Receipt>, std::string> check_receipts_row(const SealedHeader& header, ByteView row);

}  // namespace hypasis::storage::detail
