#include "hypasis/storage/block_store/row_checks.hpp"

#include <utility>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/core/validation/error.hpp"

namespace hypasis::storage::detail {

Expected<SealedHeader, std::string> check_header_row(uint64_t block_num, ByteView row) {
    if (row.size() <= 32) return unexpected(std::string("header row too short (") + std::to_string(row.size()) + " B)");
    const Hash stored = to_fixed<32>(row.first(32));
    auto header = decode_header(row.subspan(32));
    if (!header) return unexpected("header RLP does not decode: " + std::string(rlp::to_string(header.error())));
    if (header->hash != stored) {
        return unexpected("header hash mismatch: stored " + to_hex(stored) + ", keccak of the RLP " +
                          to_hex(header->hash));
    }
    if (header->header.number != block_num) {
        return unexpected("header number mismatch: the row of block " + std::to_string(block_num) + " holds block " +
                          std::to_string(header->header.number));
    }
    return std::move(*header);
}

Expected<BlockBody, std::string> check_body_row(const SealedHeader& header, ByteView row) {
    auto body = decode_body(row);
    if (!body) return unexpected("body RLP does not decode: " + std::string(rlp::to_string(body.error())));
    if (auto ok = validation::validate_body(header.header, *body); !ok) {
        return unexpected("body does not match its header: " + std::string(validation::to_string(ok.error())));
    }
    return std::move(*body);
}

Expected<std::vector<Receipt>, std::string> check_receipts_row(const SealedHeader& header, ByteView row) {
    auto receipts = decode_receipts(row, ReceiptForm::kSlim);
    if (!receipts) return unexpected("receipts do not decode: " + std::string(rlp::to_string(receipts.error())));
    if (auto ok = validation::validate_receipts(header.header, *receipts); !ok) {
        return unexpected("receipts do not match their header: " + std::string(validation::to_string(ok.error())));
    }
    return std::move(*receipts);
}

}  // namespace hypasis::storage::detail
