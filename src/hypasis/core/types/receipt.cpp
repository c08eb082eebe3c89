#include "hypasis/core/types/receipt.hpp"

#include <new>

#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"
#include "hypasis/core/types/bloom.hpp"

namespace hypasis {
namespace {

using rlp::DecodingError;

// post-state-or-status: {B_32, {0, 1}} (devp2p caps/eth.md). Canonical integers only: zero is the empty string.
Expected<void, DecodingError> decode_status(ByteView& in, Receipt& r) noexcept {
    auto s = rlp::decode_string(in);
    if (!s) return unexpected(s.error());
    if (s->size() == 32) {
        r.post_state = to_fixed<32>(*s);
        r.success = false;
        return {};
    }
    if (s->empty()) {
        r.success = false;
        return {};
    }
    if (s->size() != 1) return unexpected(DecodingError::kUnexpectedLength);
    if ((*s)[0] == 0) return unexpected(DecodingError::kLeadingZero);
    if ((*s)[0] != 1) return unexpected(DecodingError::kOverflow);
    r.success = true;
    return {};
}

// A field is missing when the list payload ends before it.
Expected<void, DecodingError> need_field(ByteView p) noexcept {
    if (p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return {};
}

// [address, [topic, ...], data]
Expected<void, DecodingError> decode_log(ByteView& in, std::vector<Log>& out) {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    ByteView p = *payload;
    Log log;
    if (auto e = need_field(p); !e) return e;
    auto addr = rlp::decode_fixed<20>(p);
    if (!addr) return unexpected(addr.error());
    log.address = *addr;
    if (auto e = need_field(p); !e) return e;
    auto topics = rlp::decode_list_items(
        p,
        [&](ByteView& t) -> Expected<void, DecodingError> {
            auto topic = rlp::decode_fixed<32>(t);
            if (!topic) return unexpected(topic.error());
            log.topics.push_back(*topic);
            return {};
        },
        kMaxLogTopics);
    if (!topics) return topics;
    if (auto e = need_field(p); !e) return e;
    auto data = rlp::decode_string(p);
    if (!data) return unexpected(data.error());
    log.data.assign(data->begin(), data->end());
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    out.push_back(std::move(log));
    return {};
}

Expected<void, DecodingError> decode_logs(ByteView& in, std::vector<Log>& out) {
    return rlp::decode_list_items(in, [&](ByteView& item) { return decode_log(item, out); });
}

// [status, cumulative_gas, bloom, logs], the payload of the consensus list.
Expected<void, DecodingError> decode_consensus_fields(ByteView p, Receipt& r) {
    if (auto e = need_field(p); !e) return e;
    if (auto e = decode_status(p, r); !e) return e;
    if (auto e = need_field(p); !e) return e;
    auto gas = rlp::decode_u64(p);
    if (!gas) return unexpected(gas.error());
    r.cumulative_gas_used = *gas;
    if (auto e = need_field(p); !e) return e;
    auto bloom = rlp::decode_fixed<256>(p);
    if (!bloom) return unexpected(bloom.error());
    r.bloom = *bloom;
    if (auto e = need_field(p); !e) return e;
    if (auto e = decode_logs(p, r.logs); !e) return e;
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    return {};
}

Expected<Receipt, DecodingError> decode_legacy(ByteView& in) {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    Receipt r;
    if (auto e = decode_consensus_fields(*payload, r); !e) return unexpected(e.error());
    return r;
}

// type || rlp([...]), spanning `envelope` exactly.
Expected<Receipt, DecodingError> decode_typed(ByteView envelope) {
    if (envelope.empty()) return unexpected(DecodingError::kInputTooShort);
    if (envelope[0] < 1 || envelope[0] > 4) return unexpected(DecodingError::kUnsupportedType);
    ByteView rest = envelope.subspan(1);
    auto payload = rlp::decode_list(rest);
    if (!payload) return unexpected(payload.error());
    if (!rest.empty()) return unexpected(DecodingError::kInputTooLong);
    Receipt r;
    r.type = static_cast<TxnType>(envelope[0]);
    if (auto e = decode_consensus_fields(*payload, r); !e) return unexpected(e.error());
    return r;
}

Expected<Receipt, DecodingError> decode_slim(ByteView& in) {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    ByteView p = *payload;
    Receipt r;
    if (auto e = need_field(p); !e) return unexpected(e.error());
    auto type = rlp::decode_u64(p);
    if (!type) return unexpected(type.error());
    if (*type > 4) return unexpected(DecodingError::kUnsupportedType);
    r.type = static_cast<TxnType>(*type);
    if (auto e = need_field(p); !e) return unexpected(e.error());
    if (auto e = decode_status(p, r); !e) return unexpected(e.error());
    if (auto e = need_field(p); !e) return unexpected(e.error());
    auto gas = rlp::decode_u64(p);
    if (!gas) return unexpected(gas.error());
    r.cumulative_gas_used = *gas;
    if (auto e = need_field(p); !e) return unexpected(e.error());
    if (auto e = decode_logs(p, r.logs); !e) return unexpected(e.error());
    if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
    r.bloom = logs_bloom(r.logs);
    return r;
}

Expected<Receipt, DecodingError> decode_item(ByteView& in) {
    auto raw = rlp::decode_raw_item(in);
    if (!raw) return unexpected(raw.error());
    ByteView item = *raw;
    auto h = rlp::decode_header(item);  // re-reads the header decode_raw_item accepted
    if (!h) return unexpected(h.error());
    if (h->list) {
        ByteView whole = *raw;
        return decode_legacy(whole);
    }
    return decode_typed(item.first(h->payload_length));
}

void encode_status(Bytes& out, const Receipt& r) {
    if (r.post_state) {
        rlp::encode_fixed(out, *r.post_state);
    } else {
        rlp::encode_u64(out, r.success ? 1 : 0);
    }
}

void encode_logs(Bytes& out, const std::vector<Log>& logs) {
    Bytes payload;
    Bytes log_payload;
    Bytes topics;
    for (const Log& log : logs) {
        topics.clear();
        for (const Hash& t : log.topics) rlp::encode_fixed(topics, t);
        log_payload.clear();
        rlp::encode_fixed(log_payload, log.address);
        rlp::encode_list(log_payload, topics);
        rlp::encode_string(log_payload, log.data);
        rlp::encode_list(payload, log_payload);
    }
    rlp::encode_list(out, payload);
}

}  // namespace

Expected<Receipt, rlp::DecodingError> decode_receipt(ByteView consensus) noexcept {
    try {
        if (consensus.empty()) return unexpected(DecodingError::kInputTooShort);
        if (consensus[0] >= 0xc0) {
            ByteView in = consensus;
            auto r = decode_legacy(in);
            if (r && !in.empty()) return unexpected(DecodingError::kInputTooLong);
            return r;
        }
        if (consensus[0] >= 0x80) return unexpected(DecodingError::kUnexpectedString);
        return decode_typed(consensus);
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<Receipt, rlp::DecodingError> decode_receipt_item(ByteView& in) noexcept {
    try {
        return decode_item(in);
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<Receipt, rlp::DecodingError> decode_slim_receipt(ByteView& in) noexcept {
    try {
        return decode_slim(in);
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<std::vector<Receipt>, rlp::DecodingError> decode_receipts(ByteView list, ReceiptForm form,
                                                                   std::size_t max_receipts) noexcept {
    try {
        std::vector<Receipt> out;
        ByteView in = list;
        auto r = rlp::decode_list_items(
            in,
            [&](ByteView& item) -> Expected<void, DecodingError> {
                auto rc = form == ReceiptForm::kSlim ? decode_slim(item) : decode_item(item);
                if (!rc) return unexpected(rc.error());
                out.push_back(std::move(*rc));
                return {};
            },
            max_receipts);
        if (!r) return unexpected(r.error());
        if (!in.empty()) return unexpected(DecodingError::kInputTooLong);
        return out;
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Bytes encode_for_trie(const Receipt& receipt) {
    Bytes fields;
    encode_status(fields, receipt);
    rlp::encode_u64(fields, receipt.cumulative_gas_used);
    rlp::encode_fixed(fields, receipt.bloom);
    encode_logs(fields, receipt.logs);
    Bytes out;
    out.reserve(fields.size() + 6);
    if (receipt.type != TxnType::kLegacy) out.push_back(static_cast<uint8_t>(receipt.type));
    rlp::encode_list(out, fields);
    return out;
}

Bytes encode_receipt_item(const Receipt& receipt) {
    Bytes consensus = encode_for_trie(receipt);
    if (receipt.type == TxnType::kLegacy) return consensus;
    Bytes out;
    out.reserve(consensus.size() + 5);
    rlp::encode_string(out, consensus);
    return out;
}

Bytes encode_slim(const Receipt& receipt) {
    Bytes fields;
    rlp::encode_u64(fields, static_cast<uint64_t>(receipt.type));
    encode_status(fields, receipt);
    rlp::encode_u64(fields, receipt.cumulative_gas_used);
    encode_logs(fields, receipt.logs);
    return rlp::wrap_list(fields);
}

Bytes encode_receipts(const std::vector<Receipt>& receipts, ReceiptForm form) {
    Bytes payload;
    for (const Receipt& r : receipts) {
        const Bytes item = form == ReceiptForm::kSlim ? encode_slim(r) : encode_receipt_item(r);
        payload.insert(payload.end(), item.begin(), item.end());
    }
    return rlp::wrap_list(payload);
}

Bloom logs_bloom(const std::vector<Log>& logs) noexcept {
    Bloom b{};
    for (const Log& log : logs) {
        bloom_add(b, log.address);
        for (const Hash& t : log.topics) bloom_add(b, t);
    }
    return b;
}

Bloom block_bloom(const std::vector<Receipt>& receipts) noexcept {
    Bloom b{};
    for (const Receipt& r : receipts) bloom_or(b, r.bloom);
    return b;
}

}  // namespace hypasis
