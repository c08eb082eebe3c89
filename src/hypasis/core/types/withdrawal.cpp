#include "hypasis/core/types/withdrawal.hpp"

#include <new>

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis {

using rlp::DecodingError;

namespace {

std::size_t payload_length(const Withdrawal& w) noexcept {
    return rlp::u64_length(w.index) + rlp::u64_length(w.validator_index) + 21 + rlp::u64_length(w.amount);
}

// Reads the next u64 field, reporting a missing element as a wrong field count.
Expected<uint64_t, DecodingError> next_u64(ByteView& p) noexcept {
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return rlp::decode_u64(p);
}

}  // namespace

Expected<Withdrawal, DecodingError> decode_withdrawal_item(ByteView& in) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    ByteView p = *payload;
    Withdrawal w;
    auto index = next_u64(p);
    if (!index) return unexpected(index.error());
    w.index = *index;
    auto validator = next_u64(p);
    if (!validator) return unexpected(validator.error());
    w.validator_index = *validator;
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    auto address = rlp::decode_fixed<20>(p);
    if (!address) return unexpected(address.error());
    w.address = *address;
    auto amount = next_u64(p);
    if (!amount) return unexpected(amount.error());
    w.amount = *amount;
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return w;
}

Expected<Withdrawal, DecodingError> decode_withdrawal(ByteView rlp) noexcept {
    auto w = decode_withdrawal_item(rlp);
    if (!w) return w;
    if (!rlp.empty()) return unexpected(DecodingError::kInputTooLong);
    return w;
}

Expected<std::vector<Withdrawal>, DecodingError> decode_withdrawals_item(ByteView& in, std::size_t max_items) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    // Count first, so that the vector is sized once and never beyond the caller's bound.
    auto n = rlp::count_items(*payload, max_items);
    if (!n) return unexpected(n.error());
    try {
        std::vector<Withdrawal> out;
        out.reserve(*n);
        for (ByteView p = *payload; !p.empty();) {
            auto w = decode_withdrawal_item(p);
            if (!w) return unexpected(w.error());
            out.push_back(*w);
        }
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

std::size_t encoded_length(const Withdrawal& w) noexcept {
    const std::size_t n = payload_length(w);
    return rlp::header_length(n) + n;
}

void encode_to(Bytes& out, const Withdrawal& w) {
    rlp::encode_list_header(out, payload_length(w));
    rlp::encode_u64(out, w.index);
    rlp::encode_u64(out, w.validator_index);
    rlp::encode_fixed(out, w.address);
    rlp::encode_u64(out, w.amount);
}

Bytes encode(const Withdrawal& w) {
    Bytes out;
    out.reserve(encoded_length(w));
    encode_to(out, w);
    return out;
}

std::size_t encoded_length(const std::vector<Withdrawal>& ws) noexcept {
    std::size_t n = 0;
    for (const auto& w : ws) n += encoded_length(w);
    return rlp::header_length(n) + n;
}

void encode_to(Bytes& out, const std::vector<Withdrawal>& ws) {
    std::size_t n = 0;
    for (const auto& w : ws) n += encoded_length(w);
    out.reserve(out.size() + rlp::header_length(n) + n);
    rlp::encode_list_header(out, n);
    for (const auto& w : ws) encode_to(out, w);
}

}  // namespace hypasis
