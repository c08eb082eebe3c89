#pragma once
/// Internal to the chain module: geth's decoding rules for the scalar fields of a genesis.json, one function per
/// Go type. Each takes the JSON value and the field's path (for the error) and never throws except
/// std::bad_alloc. See genesis.hpp for the rules in prose.
#include <cstdint>
#include <string>
#include <string_view>

#include "hypasis/core/chain/chain_spec.hpp"
#include "hypasis/core/chain/error.hpp"
#include "hypasis/core/chain/json_document.hpp"
#include "hypasis/core/common/bytes.hpp"
#include "hypasis/core/common/expected.hpp"
#include "hypasis/core/common/u256.hpp"

namespace hypasis::chain::detail {

template <class T>
using Parsed = Expected<T, ChainError>;

/// unexpected(ChainError{code, field}).
Unexpected<ChainError> fail(ChainErrc code, std::string_view field);

/// "a.b" from "a" and "b" (just "b" when the prefix is empty).
std::string join(std::string_view prefix, std::string_view name);

/// math.HexOrDecimal64: a JSON number, or a string "0x…" (hex) / decimal; "" is 0.
Parsed<uint64_t> hex_or_decimal_u64(const JsonValue& v, std::string_view field);

/// math.HexOrDecimal256: as hex_or_decimal_u64 but 256-bit, at most 64 hex or 78 decimal digits.
Parsed<U256> hex_or_decimal_u256(const JsonValue& v, std::string_view field);

/// hexutil.Bytes: a string, "" or "0x" followed by an even number of hex digits.
Parsed<Bytes> hex_bytes(const JsonValue& v, std::string_view field);

/// common.Hash / common.Address: a string "0x" followed by exactly 2*N hex digits.
Parsed<Bytes> prefixed_fixed_hex(const JsonValue& v, std::size_t n, std::string_view field);

template <std::size_t N>
Parsed<FixedBytes<N>> prefixed_fixed(const JsonValue& v, std::string_view field) {
    auto b = prefixed_fixed_hex(v, N, field);
    if (!b) return unexpected(std::move(b.error()));
    return to_fixed<N>(*b);
}

/// common.UnprefixedAddress (alloc keys): 40 hex digits, "0x" optional.
Parsed<Address> unprefixed_address(std::string_view text, std::string_view field);

/// geth's storageJSON (storage keys and values): at most 64 hex digits, even count, optional lower-case "0x",
/// left-padded to 32 bytes.
Parsed<Hash> storage_word(std::string_view text, std::string_view field);

/// A *big.Int or *uint64 field of the chain config: a JSON integer literal (no sign, fraction or exponent; Go
/// rejects strings there) that fits 64 bits.
Parsed<uint64_t> config_u64(const JsonValue& v, std::string_view field);

/// A *big.Int config field that may need 256 bits (terminalTotalDifficulty).
Parsed<U256> config_u256(const JsonValue& v, std::string_view field);

/// The `config` object of a genesis.json, with fork order and blob schedule checked. Field paths start with
/// "config.".
Parsed<ChainConfig> parse_chain_config(const JsonValue& config);

}  // namespace hypasis::chain::detail
