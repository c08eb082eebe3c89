#include "hypasis/core/types/transaction.hpp"

#include <algorithm>
#include <cstring>
#include <new>

#include "hypasis/core/common/assert.hpp"
#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis {
namespace {

using rlp::DecodingError;

// Reads a fixed schema of list fields in order and remembers the first error, so that each type's decoder
// reads as its field list. A missing field and a surplus field are both kListLengthMismatch.
class FieldReader {
  public:
    explicit FieldReader(ByteView payload) noexcept : in_(payload) {}

    void u64(uint64_t& out) noexcept { read(rlp::decode_u64, out); }
    void u256(U256& out) noexcept { read(rlp::decode_u256, out); }
    void address(Address& out) noexcept { read(rlp::decode_fixed<20>, out); }

    void y_parity(uint8_t& out) noexcept {
        bool b = false;
        read(rlp::decode_bool, b);  // kOverflow for anything but 0 or 1
        out = b ? 1 : 0;
    }

    void bytes(Bytes& out) {
        ByteView s;
        read(rlp::decode_string, s);
        if (ok()) out.assign(s.begin(), s.end());
    }

    // `to`: an empty string means contract creation where allowed, otherwise exactly 20 bytes.
    void to(std::optional<Address>& out, bool allow_create) noexcept {
        ByteView s;
        read(rlp::decode_string, s);
        if (!ok()) return;
        if (s.empty() && allow_create) {
            out.reset();
        } else if (s.size() == 20) {
            out = to_fixed<20>(s);
        } else {
            fail(DecodingError::kUnexpectedLength);
        }
    }

    // Runs a custom decoder for one field (lists).
    template <class Fn>
    void custom(Fn&& fn) {
        if (!start()) return;
        Expected<void, DecodingError> r = fn(in_);
        if (!r) fail(r.error());
    }

    bool ok() const noexcept { return !error_; }
    void fail(DecodingError e) noexcept {
        if (!error_) error_ = e;
    }

    Expected<void, DecodingError> finish() const noexcept {
        if (error_) return unexpected(*error_);
        if (!in_.empty()) return unexpected(DecodingError::kListLengthMismatch);
        return {};
    }

  private:
    bool start() noexcept {
        if (error_) return false;
        if (in_.empty()) {
            fail(DecodingError::kListLengthMismatch);
            return false;
        }
        return true;
    }

    template <class Fn, class T>
    void read(Fn&& fn, T& out) noexcept {
        if (!start()) return;
        auto r = fn(in_);
        if (!r) {
            fail(r.error());
        } else {
            out = *r;
        }
    }

    ByteView in_;
    std::optional<DecodingError> error_;
};

Expected<void, DecodingError> decode_access_list(ByteView& in, std::vector<AccessListEntry>& out) {
    std::size_t total_keys = 0;
    return rlp::decode_list_items(
        in,
        [&](ByteView& item) -> Expected<void, DecodingError> {
            auto entry = rlp::decode_list(item);
            if (!entry) return unexpected(entry.error());
            ByteView p = *entry;
            AccessListEntry e;
            auto addr = rlp::decode_fixed<20>(p);
            if (!addr) return unexpected(addr.error());
            e.address = *addr;
            auto keys = rlp::decode_list_items(p, [&](ByteView& k) -> Expected<void, DecodingError> {
                if (++total_keys > kMaxAccessListStorageKeys) return unexpected(DecodingError::kTooLarge);
                auto key = rlp::decode_fixed<32>(k);
                if (!key) return unexpected(key.error());
                e.storage_keys.push_back(*key);
                return {};
            });
            if (!keys) return keys;
            if (!p.empty()) return unexpected(DecodingError::kListLengthMismatch);
            out.push_back(std::move(e));
            return {};
        },
        kMaxAccessListEntries);
}

Expected<void, DecodingError> decode_blob_hashes(ByteView& in, std::vector<Hash>& out) {
    return rlp::decode_list_items(
        in,
        [&](ByteView& item) -> Expected<void, DecodingError> {
            auto h = rlp::decode_fixed<32>(item);
            if (!h) return unexpected(h.error());
            out.push_back(*h);
            return {};
        },
        kMaxBlobHashes);
}

Expected<void, DecodingError> decode_authorizations(ByteView& in, std::vector<Authorization>& out) {
    return rlp::decode_list_items(
        in,
        [&](ByteView& item) -> Expected<void, DecodingError> {
            auto tuple = rlp::decode_list(item);
            if (!tuple) return unexpected(tuple.error());
            FieldReader f{*tuple};
            Authorization a;
            f.u256(a.chain_id);
            f.address(a.address);
            f.u64(a.nonce);
            uint64_t y = 0;
            f.u64(y);
            if (f.ok() && y > 0xff) f.fail(DecodingError::kOverflow);  // EIP-7702: y_parity < 2^8
            a.y_parity = static_cast<uint8_t>(y);
            f.u256(a.r);
            f.u256(a.s);
            auto done = f.finish();
            if (!done) return done;
            out.push_back(a);
            return {};
        },
        kMaxAuthorizations);
}

// EIP-155: v = chain_id * 2 + 35 + y_parity; before it, v = 27 + y_parity. Any other v leaves chain_id unset
// and fails at recovery (kInvalidV), because decoding does not judge signatures.
void derive_legacy_chain_id(Transaction& t) noexcept {
    t.chain_id.reset();
    t.y_parity = 0;
    if (t.v == U256{27} || t.v == U256{28}) {
        t.y_parity = static_cast<uint8_t>(t.v.limb(0) - 27);
    } else if (t.v >= U256{35}) {
        const U256 x = t.v - U256{35};
        const U256 chain = x >> 1;
        if (chain.fits_u64()) {
            t.chain_id = chain.limb(0);
            t.y_parity = static_cast<uint8_t>(x.limb(0) & 1);
        }
    }
}

Expected<void, DecodingError> decode_legacy_fields(ByteView payload, Transaction& t) {
    FieldReader f{payload};
    f.u64(t.nonce);
    f.u256(t.gas_price);
    f.u64(t.gas_limit);
    f.to(t.to, true);
    f.u256(t.value);
    f.bytes(t.data);
    f.u256(t.v);
    f.u256(t.r);
    f.u256(t.s);
    auto done = f.finish();
    if (!done) return done;
    derive_legacy_chain_id(t);
    return {};
}

Expected<void, DecodingError> decode_typed_fields(ByteView payload, Transaction& t) {
    FieldReader f{payload};
    uint64_t chain_id = 0;
    f.u64(chain_id);
    t.chain_id = chain_id;
    f.u64(t.nonce);
    if (t.type == TxnType::kAccessList) {
        f.u256(t.gas_price);
    } else {
        f.u256(t.max_priority_fee_per_gas);
        f.u256(t.max_fee_per_gas);
    }
    f.u64(t.gas_limit);
    // EIP-4844 and EIP-7702 transactions cannot create contracts: their `to` is a plain address.
    f.to(t.to, t.type == TxnType::kAccessList || t.type == TxnType::kDynamicFee);
    f.u256(t.value);
    f.bytes(t.data);
    f.custom([&](ByteView& in) { return decode_access_list(in, t.access_list); });
    if (t.type == TxnType::kBlob) {
        f.u256(t.max_fee_per_blob_gas);
        f.custom([&](ByteView& in) { return decode_blob_hashes(in, t.blob_versioned_hashes); });
    } else if (t.type == TxnType::kSetCode) {
        f.custom([&](ByteView& in) { return decode_authorizations(in, t.authorization_list); });
    }
    f.y_parity(t.y_parity);
    f.u256(t.r);
    f.u256(t.s);
    t.v = U256{t.y_parity};
    return f.finish();
}

// Decodes type || rlp(payload), which must span `envelope` exactly.
Expected<Transaction, DecodingError> decode_typed(ByteView envelope) {
    if (envelope.empty()) return unexpected(DecodingError::kInputTooShort);
    const uint8_t type = envelope[0];
    if (type < 1 || type > 4) return unexpected(DecodingError::kUnsupportedType);
    Transaction t;
    t.type = static_cast<TxnType>(type);
    ByteView rest = envelope.subspan(1);
    auto payload = rlp::decode_list(rest);
    if (!payload) return unexpected(payload.error());
    if (!rest.empty()) return unexpected(DecodingError::kInputTooLong);
    auto r = decode_typed_fields(*payload, t);
    if (!r) return unexpected(r.error());
    t.encoded.assign(envelope.begin(), envelope.end());
    t.hash = crypto::keccak256(t.encoded);
    return t;
}

// Decodes a legacy transaction from its whole list encoding `raw`.
Expected<Transaction, DecodingError> decode_legacy(ByteView raw) {
    ByteView in = raw;
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    Transaction t;
    auto r = decode_legacy_fields(*payload, t);
    if (!r) return unexpected(r.error());
    t.encoded.assign(raw.begin(), raw.end());
    t.hash = crypto::keccak256(t.encoded);
    return t;
}

// ---- encoding ----

void encode_access_list(Bytes& out, const std::vector<AccessListEntry>& list) {
    Bytes payload;
    Bytes entry;
    Bytes keys;
    for (const auto& e : list) {
        keys.clear();
        for (const auto& k : e.storage_keys) rlp::encode_fixed(keys, k);
        entry.clear();
        rlp::encode_fixed(entry, e.address);
        rlp::encode_list(entry, keys);
        rlp::encode_list(payload, entry);
    }
    rlp::encode_list(out, payload);
}

void encode_authorizations(Bytes& out, const std::vector<Authorization>& list) {
    Bytes payload;
    Bytes tuple;
    for (const auto& a : list) {
        tuple.clear();
        rlp::encode_u256(tuple, a.chain_id);
        rlp::encode_fixed(tuple, a.address);
        rlp::encode_u64(tuple, a.nonce);
        rlp::encode_u64(tuple, a.y_parity);
        rlp::encode_u256(tuple, a.r);
        rlp::encode_u256(tuple, a.s);
        rlp::encode_list(payload, tuple);
    }
    rlp::encode_list(out, payload);
}

void encode_to(Bytes& out, const std::optional<Address>& to) {
    if (to) {
        rlp::encode_fixed(out, *to);
    } else {
        rlp::encode_string(out, {});
    }
}

// The payload fields that the signature covers, without the enclosing list header. For legacy transactions
// these are the six pre-EIP-155 fields.
void encode_unsigned_fields(Bytes& out, const Transaction& t) {
    if (t.type == TxnType::kLegacy) {
        rlp::encode_u64(out, t.nonce);
        rlp::encode_u256(out, t.gas_price);
        rlp::encode_u64(out, t.gas_limit);
        encode_to(out, t.to);
        rlp::encode_u256(out, t.value);
        rlp::encode_string(out, t.data);
        return;
    }
    rlp::encode_u64(out, t.chain_id.value_or(0));
    rlp::encode_u64(out, t.nonce);
    if (t.type == TxnType::kAccessList) {
        rlp::encode_u256(out, t.gas_price);
    } else {
        rlp::encode_u256(out, t.max_priority_fee_per_gas);
        rlp::encode_u256(out, t.max_fee_per_gas);
    }
    rlp::encode_u64(out, t.gas_limit);
    encode_to(out, t.to);
    rlp::encode_u256(out, t.value);
    rlp::encode_string(out, t.data);
    encode_access_list(out, t.access_list);
    if (t.type == TxnType::kBlob) {
        rlp::encode_u256(out, t.max_fee_per_blob_gas);
        Bytes hashes;
        for (const auto& h : t.blob_versioned_hashes) rlp::encode_fixed(hashes, h);
        rlp::encode_list(out, hashes);
    } else if (t.type == TxnType::kSetCode) {
        encode_authorizations(out, t.authorization_list);
    }
}

TxnError from_secp(crypto::SecpError e) noexcept {
    switch (e) {
        case crypto::SecpError::kInvalidSignature:
            return TxnError::kInvalidSignature;
        case crypto::SecpError::kHighS:
            return TxnError::kHighS;
        case crypto::SecpError::kInvalidRecoveryId:
            return TxnError::kInvalidYParity;
        default:
            return TxnError::kRecoveryFailed;
    }
}

Expected<Address, TxnError> recover(const Hash& digest, uint8_t y_parity, const U256& r, const U256& s,
                                    bool require_low_s) noexcept {
    if (y_parity > 1) return unexpected(TxnError::kInvalidYParity);
    crypto::RecoverableSignature sig;
    const auto rb = r.to_be32();
    const auto sb = s.to_be32();
    std::memcpy(sig.rs.data(), rb.data(), 32);
    std::memcpy(sig.rs.data() + 32, sb.data(), 32);
    sig.recovery_id = y_parity;
    auto a = crypto::recover_address(digest, sig, require_low_s);
    if (!a) return unexpected(from_secp(a.error()));
    return *a;
}

// Fills y_parity, r and s from a signature.
void set_signature(const crypto::RecoverableSignature& sig, uint8_t& y_parity, U256& r, U256& s) noexcept {
    // Recovery ids 2 and 3 (r overflowed the order) occur with probability about 2^-127; Ethereum cannot express
    // them, so meeting one means the signer is broken.
    HYPASIS_ASSERT(sig.recovery_id <= 1);
    y_parity = sig.recovery_id;
    r = *U256::from_be(ByteView{sig.rs.data(), 32});
    s = *U256::from_be(ByteView{sig.rs.data() + 32, 32});
}

}  // namespace

std::string_view to_string(TxnError e) noexcept {
    switch (e) {
        case TxnError::kInvalidV:
            return "invalid legacy v (neither 27/28 nor EIP-155)";
        case TxnError::kInvalidYParity:
            return "invalid y-parity";
        case TxnError::kInvalidSignature:
            return "invalid signature (r or s out of range)";
        case TxnError::kHighS:
            return "signature s value is above n/2 (EIP-2)";
        case TxnError::kRecoveryFailed:
            return "sender recovery failed";
        case TxnError::kInvalidPrivateKey:
            return "invalid private key";
    }
    return "unknown transaction error";
}

Expected<Transaction, rlp::DecodingError> decode_transaction_item(ByteView& in) noexcept {
    try {
        auto raw = rlp::decode_raw_item(in);
        if (!raw) return unexpected(raw.error());
        ByteView item = *raw;
        auto h = rlp::decode_header(item);  // cannot fail: decode_raw_item just read it
        if (!h) return unexpected(h.error());
        if (h->list) return decode_legacy(*raw);
        return decode_typed(item.first(h->payload_length));
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Expected<Transaction, rlp::DecodingError> decode_transaction(ByteView canonical) noexcept {
    try {
        if (canonical.empty()) return unexpected(DecodingError::kInputTooShort);
        const uint8_t first = canonical[0];
        if (first >= 0xc0) {
            ByteView in = canonical;
            auto raw = rlp::decode_raw_item(in);
            if (!raw) return unexpected(raw.error());
            if (!in.empty()) return unexpected(DecodingError::kInputTooLong);
            return decode_legacy(*raw);
        }
        if (first >= 0x80) return unexpected(DecodingError::kUnexpectedString);  // neither a type nor a list
        return decode_typed(canonical);
    } catch (const std::bad_alloc&) {
        return unexpected(DecodingError::kTooLarge);
    }
}

Hash signing_hash(const Transaction& txn) {
    Bytes fields;
    fields.reserve(txn.data.size() + 160);
    encode_unsigned_fields(fields, txn);
    Bytes msg;
    msg.reserve(fields.size() + 16);
    if (txn.type == TxnType::kLegacy) {
        if (txn.chain_id) {
            rlp::encode_u64(fields, *txn.chain_id);
            rlp::encode_u64(fields, 0);
            rlp::encode_u64(fields, 0);
        }
    } else {
        msg.push_back(static_cast<uint8_t>(txn.type));
    }
    rlp::encode_list(msg, fields);
    return crypto::keccak256(msg);
}

Expected<Address, TxnError> recover_sender(const Transaction& txn, bool require_low_s) noexcept {
    try {
        if (txn.y_parity > 1) return unexpected(TxnError::kInvalidYParity);
        if (txn.type == TxnType::kLegacy) {
            const U256 expected_v =
                txn.chain_id ? U256{*txn.chain_id} * U256{2} + U256{35u + txn.y_parity} : U256{27u + txn.y_parity};
            if (txn.v != expected_v) return unexpected(TxnError::kInvalidV);
        }
        return recover(signing_hash(txn), txn.y_parity, txn.r, txn.s, require_low_s);
    } catch (const std::bad_alloc&) {
        // Hashing a transaction that was decoded cannot realistically exhaust memory; report, don't abort.
        return unexpected(TxnError::kRecoveryFailed);
    }
}

Hash authorization_signing_hash(const Authorization& auth) {
    Bytes fields;
    rlp::encode_u256(fields, auth.chain_id);
    rlp::encode_fixed(fields, auth.address);
    rlp::encode_u64(fields, auth.nonce);
    Bytes msg{0x05};  // EIP-7702 MAGIC
    rlp::encode_list(msg, fields);
    return crypto::keccak256(msg);
}

Expected<Address, TxnError> recover_authority(const Authorization& auth) noexcept {
    try {
        return recover(authorization_signing_hash(auth), auth.y_parity, auth.r, auth.s, true);
    } catch (const std::bad_alloc&) {
        return unexpected(TxnError::kRecoveryFailed);
    }
}

Bytes encode_transaction(const Transaction& txn) {
    Bytes fields;
    fields.reserve(txn.data.size() + 256);
    encode_unsigned_fields(fields, txn);
    if (txn.type == TxnType::kLegacy) {
        rlp::encode_u256(fields, txn.v);
    } else {
        rlp::encode_u64(fields, txn.y_parity);
    }
    rlp::encode_u256(fields, txn.r);
    rlp::encode_u256(fields, txn.s);
    Bytes out;
    out.reserve(fields.size() + 10);
    if (txn.type != TxnType::kLegacy) out.push_back(static_cast<uint8_t>(txn.type));
    rlp::encode_list(out, fields);
    return out;
}

void seal(Transaction& txn) {
    txn.encoded = encode_transaction(txn);
    txn.hash = crypto::keccak256(txn.encoded);
}

Bytes encode_body_item(const Transaction& txn) {
    if (txn.type == TxnType::kLegacy) return txn.encoded;
    Bytes out;
    out.reserve(txn.encoded.size() + 9);
    rlp::encode_string(out, txn.encoded);
    return out;
}

Expected<void, TxnError> sign_transaction(Transaction& txn, const crypto::SecretKey& key) {
    auto sig = crypto::sign(signing_hash(txn), key);
    if (!sig) return unexpected(TxnError::kInvalidPrivateKey);
    set_signature(*sig, txn.y_parity, txn.r, txn.s);
    if (txn.type != TxnType::kLegacy) {
        txn.v = U256{txn.y_parity};
    } else if (txn.chain_id) {
        txn.v = U256{*txn.chain_id} * U256{2} + U256{35u + txn.y_parity};
    } else {
        txn.v = U256{27u + txn.y_parity};
    }
    seal(txn);
    return {};
}

Expected<void, TxnError> sign_authorization(Authorization& auth, const crypto::SecretKey& key) {
    auto sig = crypto::sign(authorization_signing_hash(auth), key);
    if (!sig) return unexpected(TxnError::kInvalidPrivateKey);
    set_signature(*sig, auth.y_parity, auth.r, auth.s);
    return {};
}

U256 effective_gas_price(const Transaction& txn, const U256& base_fee) noexcept {
    if (txn.type == TxnType::kLegacy || txn.type == TxnType::kAccessList) return txn.gas_price;
    if (txn.max_fee_per_gas < base_fee) return txn.max_fee_per_gas;
    auto sum = U256::checked_add(base_fee, txn.max_priority_fee_per_gas);
    if (!sum) return txn.max_fee_per_gas;
    return std::min(*sum, txn.max_fee_per_gas);
}

}  // namespace hypasis
