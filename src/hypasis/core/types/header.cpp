#include "hypasis/core/types/header.hpp"

#include <new>
#include <utility>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis {

using rlp::DecodingError;

namespace {

constexpr std::size_t kBaseFields = 15;

// Each field is read only after checking that the list has another element, so that a short list is reported as
// a wrong field count rather than as a truncated item.
#define HYPASIS_HEADER_FIELD(target, expr)                                    \
    do {                                                                      \
        if (p.empty()) return unexpected(DecodingError::kListLengthMismatch); \
        auto field_ = (expr);                                                 \
        if (!field_) return unexpected(field_.error());                       \
        target = *field_;                                                     \
    } while (0)

// Decodes the payload of a header list into `h`, except extra_data, whose view is returned through `extra`
// so that the caller does the only allocation.
Expected<void, DecodingError> decode_fields(ByteView p, BlockHeader& h, ByteView& extra) noexcept {
    HYPASIS_HEADER_FIELD(h.parent_hash, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.ommers_hash, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.beneficiary, rlp::decode_fixed<20>(p));
    HYPASIS_HEADER_FIELD(h.state_root, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.transactions_root, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.receipts_root, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.logs_bloom, rlp::decode_fixed<256>(p));
    HYPASIS_HEADER_FIELD(h.difficulty, rlp::decode_u256(p));
    HYPASIS_HEADER_FIELD(h.number, rlp::decode_u64(p));
    HYPASIS_HEADER_FIELD(h.gas_limit, rlp::decode_u64(p));
    HYPASIS_HEADER_FIELD(h.gas_used, rlp::decode_u64(p));
    HYPASIS_HEADER_FIELD(h.timestamp, rlp::decode_u64(p));
    HYPASIS_HEADER_FIELD(extra, rlp::decode_string(p));
    HYPASIS_HEADER_FIELD(h.mix_hash, rlp::decode_fixed<32>(p));
    HYPASIS_HEADER_FIELD(h.nonce, rlp::decode_fixed<8>(p));

    // Optional suffix: stop at the first absent field (the list simply ends there).
    if (p.empty()) return {};  // 15
    HYPASIS_HEADER_FIELD(h.base_fee_per_gas, rlp::decode_u256(p));
    if (p.empty()) return {};  // 16
    HYPASIS_HEADER_FIELD(h.withdrawals_root, rlp::decode_fixed<32>(p));
    if (p.empty()) return {};  // 17
    HYPASIS_HEADER_FIELD(h.blob_gas_used, rlp::decode_u64(p));
    // EIP-4844 adds blob_gas_used and excess_blob_gas together: 18 fields is not a header of any fork.
    HYPASIS_HEADER_FIELD(h.excess_blob_gas, rlp::decode_u64(p));
    if (p.empty()) return {};  // 19: BSC between its Cancun and Bohr upgrades (no EIP-4788)
    HYPASIS_HEADER_FIELD(h.parent_beacon_block_root, rlp::decode_fixed<32>(p));
    if (p.empty()) return {};  // 20
    HYPASIS_HEADER_FIELD(h.requests_hash, rlp::decode_fixed<32>(p));
    if (p.empty()) return {};  // 21
    return unexpected(DecodingError::kListLengthMismatch);
}

#undef HYPASIS_HEADER_FIELD

std::size_t u256_length(const U256& x) noexcept {
    if (x.fits_u64()) return rlp::u64_length(x.limb(0));
    return 1 + static_cast<std::size_t>((x.bit_length() + 7) / 8);
}

constexpr std::size_t kHashItem = 33;  // 0xa0 || 32 bytes

std::size_t payload_length(const BlockHeader& h) noexcept {
    std::size_t n = 5 * kHashItem + 21;  // parent, ommers, state, txs and receipts hashes; beneficiary
    n += 3 + 256;                        // logs_bloom: 0xb9 0x01 0x00 || 256 bytes
    n += u256_length(h.difficulty);
    n += rlp::u64_length(h.number) + rlp::u64_length(h.gas_limit) + rlp::u64_length(h.gas_used) +
         rlp::u64_length(h.timestamp);
    n += rlp::string_length(h.extra_data);
    n += kHashItem + 9;  // mix_hash, nonce
    if (h.base_fee_per_gas) n += u256_length(*h.base_fee_per_gas);
    if (h.withdrawals_root) n += kHashItem;
    if (h.blob_gas_used) n += rlp::u64_length(*h.blob_gas_used);
    if (h.excess_blob_gas) n += rlp::u64_length(*h.excess_blob_gas);
    if (h.parent_beacon_block_root) n += kHashItem;
    if (h.requests_hash) n += kHashItem;
    return n;
}

}  // namespace

std::size_t field_count(const BlockHeader& h) noexcept {
    return kBaseFields + (h.base_fee_per_gas ? 1 : 0) + (h.withdrawals_root ? 1 : 0) + (h.blob_gas_used ? 1 : 0) +
           (h.excess_blob_gas ? 1 : 0) + (h.parent_beacon_block_root ? 1 : 0) + (h.requests_hash ? 1 : 0);
}

bool header_fields_contiguous(const BlockHeader& h) noexcept {
    if (h.blob_gas_used.has_value() != h.excess_blob_gas.has_value()) return false;
    const bool present[] = {h.base_fee_per_gas.has_value(), h.withdrawals_root.has_value(), h.blob_gas_used.has_value(),
                            h.parent_beacon_block_root.has_value(), h.requests_hash.has_value()};
    bool seen_absent = false;
    for (bool p : present) {
        if (p && seen_absent) return false;
        if (!p) seen_absent = true;
    }
    return true;
}

Expected<SealedHeader, DecodingError> decode_header_item(ByteView& in, std::size_t max_size) noexcept {
    const ByteView start = in;
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    const ByteView raw = start.first(start.size() - in.size());
    if (raw.size() > max_size) return unexpected(DecodingError::kTooLarge);
    try {
        SealedHeader out;
        ByteView extra;
        auto r = decode_fields(*payload, out.header, extra);
        if (!r) return unexpected(r.error());
        out.header.extra_data.assign(extra.begin(), extra.end());
        out.rlp.assign(raw.begin(), raw.end());
        out.hash = crypto::keccak256(raw);
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<SealedHeader, DecodingError> decode_header(ByteView rlp, std::size_t max_size) noexcept {
    if (rlp.size() > max_size) return unexpected(DecodingError::kTooLarge);
    auto h = decode_header_item(rlp, max_size);
    if (!h) return h;
    if (!rlp.empty()) return unexpected(DecodingError::kInputTooLong);
    return h;
}

std::size_t encoded_length(const BlockHeader& h) noexcept {
    const std::size_t n = payload_length(h);
    return rlp::header_length(n) + n;
}

void encode_to(Bytes& out, const BlockHeader& h) {
    const std::size_t n = payload_length(h);
    out.reserve(out.size() + rlp::header_length(n) + n);
    rlp::encode_list_header(out, n);
    rlp::encode_fixed(out, h.parent_hash);
    rlp::encode_fixed(out, h.ommers_hash);
    rlp::encode_fixed(out, h.beneficiary);
    rlp::encode_fixed(out, h.state_root);
    rlp::encode_fixed(out, h.transactions_root);
    rlp::encode_fixed(out, h.receipts_root);
    rlp::encode_fixed(out, h.logs_bloom);
    rlp::encode_u256(out, h.difficulty);
    rlp::encode_u64(out, h.number);
    rlp::encode_u64(out, h.gas_limit);
    rlp::encode_u64(out, h.gas_used);
    rlp::encode_u64(out, h.timestamp);
    rlp::encode_string(out, h.extra_data);
    rlp::encode_fixed(out, h.mix_hash);
    rlp::encode_fixed(out, h.nonce);
    if (h.base_fee_per_gas) rlp::encode_u256(out, *h.base_fee_per_gas);
    if (h.withdrawals_root) rlp::encode_fixed(out, *h.withdrawals_root);
    if (h.blob_gas_used) rlp::encode_u64(out, *h.blob_gas_used);
    if (h.excess_blob_gas) rlp::encode_u64(out, *h.excess_blob_gas);
    if (h.parent_beacon_block_root) rlp::encode_fixed(out, *h.parent_beacon_block_root);
    if (h.requests_hash) rlp::encode_fixed(out, *h.requests_hash);
}

Bytes encode(const BlockHeader& h) {
    Bytes out;
    encode_to(out, h);
    return out;
}

Hash hash_of(const BlockHeader& h) { return crypto::keccak256(encode(h)); }

SealedHeader seal(BlockHeader h) {
    SealedHeader out;
    out.rlp = encode(h);
    out.hash = crypto::keccak256(out.rlp);
    out.header = std::move(h);
    return out;
}

}  // namespace hypasis
