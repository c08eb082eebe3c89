#pragma once
/// Chain transactions of every type: decoding from block bodies and canonical bytes, signing hashes, sender
/// recovery, and encoding.
///
/// Types (EIP-2718 envelopes): legacy (before and after EIP-155), EIP-2930 access lists, EIP-1559 dynamic fees,
/// EIP-4844 blobs (the body form, without the network sidecar) and EIP-7702 set-code.
///
/// A decoded Transaction keeps the exact bytes it was decoded from (`encoded`) and their hash; decoding is
/// strict (canonical RLP only, exact field counts), so re-encoding the fields gives the same bytes.
/// All functions are thread-safe: they touch only their arguments. Decoding and recovery are noexcept and
/// report bad input with a typed error; the encoders and signers can only fail with std::bad_alloc.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"
#include "hypasis/core/crypto/secp256k1.hpp"
#include "hypasis/core/rlp/error.hpp"

namespace hypasis {

/// The EIP-2718 transaction type. kLegacy has no envelope byte on the wire.
enum class TxnType : uint8_t {
    kLegacy = 0,      ///< Yellow Paper §4.2; EIP-155 replay protection when v encodes a chain id.
    kAccessList = 1,  ///< EIP-2930
    kDynamicFee = 2,  ///< EIP-1559
    kBlob = 3,        ///< EIP-4844
    kSetCode = 4,     ///< EIP-7702
};

/// One EIP-2930 access-list entry.
struct AccessListEntry {
    Address address{};
    std::vector<Hash> storage_keys;
    friend bool operator==(const AccessListEntry&, const AccessListEntry&) = default;
};

/// One EIP-7702 authorization tuple [chain_id, address, nonce, y_parity, r, s].
///
/// Decoding keeps y_parity as the EIP's bound allows (< 2^8): an authorization whose signature is invalid does
/// not make its transaction invalid (EIP-7702 skips it), so it must decode; recover_authority rejects it.
struct Authorization {
    U256 chain_id;
    Address address{};
    uint64_t nonce{0};
    uint8_t y_parity{0};
    U256 r;
    U256 s;
    friend bool operator==(const Authorization&, const Authorization&) = default;
};

/// Decoding caps (checked while decoding, before the element they would admit is stored). The input's own size
/// already bounds every allocation; these caps bound the work a single transaction can demand downstream. Each
/// is far above what gas allows: an access-list address costs 2,400 gas and a storage key 1,900 (EIP-2930), an
/// authorization 25,000 (EIP-7702), so even a 140M-gas block (BSC) stays below them, and since EIP-7825
/// (Osaka) one transaction has at most 2^24 gas.
inline constexpr std::size_t kMaxAccessListEntries = std::size_t{1} << 16;
/// Cap on storage keys summed over all entries of one access list.
inline constexpr std::size_t kMaxAccessListStorageKeys = std::size_t{1} << 17;
inline constexpr std::size_t kMaxAuthorizations = std::size_t{1} << 14;
/// EIP-4844 blob versioned hashes of one transaction (the per-block blob limit is far lower).
inline constexpr std::size_t kMaxBlobHashes = std::size_t{1} << 10;

/// A transaction of any type. Fields that a type does not have stay zero/empty.
struct Transaction {
    TxnType type{TxnType::kLegacy};
    /// Typed: the payload's chain id (EIP-2294 bounds it below 2^63, so 64 bits suffice; a larger one is
    /// rejected with kOverflow). Legacy: derived from v under EIP-155, nullopt for v = 27/28 (or any other v).
    std::optional<uint64_t> chain_id;
    uint64_t nonce{0};              ///< EIP-2681 bounds it to 64 bits.
    U256 gas_price;                 ///< Legacy and EIP-2930 only.
    U256 max_priority_fee_per_gas;  ///< EIP-1559 and later types.
    U256 max_fee_per_gas;           ///< EIP-1559 and later types.
    uint64_t gas_limit{0};
    std::optional<Address> to;  ///< nullopt = contract creation (never for types 3 and 4).
    U256 value;
    Bytes data;
    std::vector<AccessListEntry> access_list;       ///< Types 1-4.
    U256 max_fee_per_blob_gas;                      ///< Type 3.
    std::vector<Hash> blob_versioned_hashes;        ///< Type 3.
    std::vector<Authorization> authorization_list;  ///< Type 4.
    /// Legacy: the raw v as signed (27/28, or chain_id*2+35/36). Typed: equal to y_parity (as JSON-RPC shows).
    U256 v;
    /// The signature's y-parity: the payload field for typed transactions, derived from v for legacy ones.
    uint8_t y_parity{0};
    U256 r;
    U256 s;
    /// The canonical EIP-2718 bytes: the RLP list for legacy, type || rlp(payload) for typed. For a decoded
    /// transaction these are byte-identical to what was received.
    Bytes encoded;
    /// keccak256(encoded): the transaction hash.
    Hash hash{};

    friend bool operator==(const Transaction&, const Transaction&) = default;
};

/// Why a transaction's signature does not yield a sender (or why signing failed).
enum class [[nodiscard]] TxnError {
    kInvalidV = 1,       ///< Legacy v is neither 27/28 nor chain_id*2+35/36 (EIP-155).
    kInvalidYParity,     ///< A y-parity other than 0 or 1 (EIP-7702 authorizations, hand-built values).
    kInvalidSignature,   ///< r or s is zero or not below the secp256k1 group order.
    kHighS,              ///< s above n/2 (EIP-2, Homestead).
    kRecoveryFailed,     ///< No public key recovers from this signature and hash.
    kInvalidPrivateKey,  ///< sign_transaction / sign_authorization was given an invalid key.
};

/// A short, stable, human-readable name of the error.
std::string_view to_string(TxnError e) noexcept;

/// Decodes one element of a block body's transaction list and advances `in` past it: an RLP list for a legacy
/// transaction, or an RLP string whose payload is type || rlp(payload) (EIP-2718 body form).
/// Errors: any rlp::DecodingError of the strict decoder; kUnsupportedType for a type byte other than 1-4
/// (including 0 and any byte >= 0x80 at the start of a string payload); kListLengthMismatch for a wrong field
/// count; kOverflow for a typed y_parity above 1, a chain id of 2^64 or more, or an integer wider than its
/// field (EIP-7702 y_parity < 2^8, nonces < 2^64, U256 fields); kUnexpectedLength for an address or hash of the wrong size
/// (an empty `to` is allowed for types 0-2 only); kTooLarge beyond the caps above; kInputTooLong for bytes
/// left inside the typed string after the payload.
Expected<Transaction, rlp::DecodingError> decode_transaction_item(ByteView& in) noexcept;

/// Decodes canonical EIP-2718 bytes (what `encoded` holds; the eth/68 Transactions and PooledTransactions
/// element form minus the string wrapper): a legacy RLP list or type || rlp(payload). The whole input must be
/// one transaction (kInputTooLong otherwise). Same errors as decode_transaction_item.
Expected<Transaction, rlp::DecodingError> decode_transaction(ByteView canonical) noexcept;

/// The hash that the sender signed:
/// - legacy without chain id: keccak(rlp([nonce, gas_price, gas_limit, to, value, data]));
/// - legacy with chain id (EIP-155): the same list plus [chain_id, 0, 0];
/// - typed: keccak(type || rlp(payload without y_parity, r, s)) (EIP-2930, EIP-1559, EIP-4844, EIP-7702).
/// Computed from the fields, not from `encoded`.
Hash signing_hash(const Transaction& txn);

/// Recovers the sender's address. For legacy transactions v must be 27/28 (chain_id unset) or
/// chain_id*2+35/36 (kInvalidV otherwise); for typed ones y_parity must be 0/1 (kInvalidYParity).
/// `require_low_s` implements EIP-2: pass false only for blocks before Homestead (Frontier allowed high s).
/// Errors: kInvalidV, kInvalidYParity, kInvalidSignature, kHighS, kRecoveryFailed.
Expected<Address, TxnError> recover_sender(const Transaction& txn, bool require_low_s = true) noexcept;

/// The hash an EIP-7702 authority signs: keccak(0x05 || rlp([chain_id, address, nonce])).
Hash authorization_signing_hash(const Authorization& auth);

/// Recovers the authority (signer) of an EIP-7702 authorization. Low s is required (EIP-7702).
/// Errors: kInvalidYParity, kInvalidSignature, kHighS, kRecoveryFailed. Checks of chain id and nonce against
/// state are the caller's.
Expected<Address, TxnError> recover_authority(const Authorization& auth) noexcept;

/// The canonical EIP-2718 bytes built from the fields (ignores `encoded` and `hash`). For legacy transactions
/// v is written as stored.
Bytes encode_transaction(const Transaction& txn);

/// Sets `encoded` from the fields and `hash` from `encoded`. Use after building or changing a transaction.
void seal(Transaction& txn);

/// The element form for a block body or an eth/68 Transactions message: the legacy list as-is, a typed
/// transaction as an RLP string wrapping `encoded`. Uses `encoded`, which must be set (decode or seal).
Bytes encode_body_item(const Transaction& txn);

/// Signs `txn` with `key`: sets y_parity, v (EIP-155 form for legacy with a chain id, 27/28 without), r and s,
/// then seals it. The signature has a low s (RFC 6979, deterministic). Error: kInvalidPrivateKey. For building
/// transactions (tests, devnet), not for untrusted input; may throw std::bad_alloc.
Expected<void, TxnError> sign_transaction(Transaction& txn, const crypto::SecretKey& key);

/// Signs an EIP-7702 authorization in place (y_parity, r, s). Error: kInvalidPrivateKey.
Expected<void, TxnError> sign_authorization(Authorization& auth, const crypto::SecretKey& key);

/// The price per gas the sender pays in a block with `base_fee` (EIP-1559): gas_price for legacy and EIP-2930
/// transactions, min(max_fee_per_gas, base_fee + max_priority_fee_per_gas) otherwise. For a transaction that
/// is valid in that block (max_fee_per_gas >= base_fee) this never wraps; otherwise it returns max_fee_per_gas.
U256 effective_gas_price(const Transaction& txn, const U256& base_fee) noexcept;

}  // namespace hypasis
