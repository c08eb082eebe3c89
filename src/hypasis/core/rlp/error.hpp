#pragma once
#include <string_view>

namespace hypasis::rlp {

/// Why an RLP input was rejected. Decoding is strict: only the canonical encoding of a value is accepted
/// (Yellow Paper, Appendix B), so every value has exactly one byte form and hashes are unambiguous.
enum class [[nodiscard]] DecodingError {
    kInputTooShort = 1,     ///< The input ends before the item its header announces.
    kInputTooLong,          ///< Bytes remain after the item (or after a list's last element).
    kLeadingZero,           ///< A length or an integer has a leading zero byte.
    kNonCanonicalSize,      ///< A long form where the short one fits, or one byte < 0x80 wrapped as a string.
    kUnexpectedList,        ///< A string was expected.
    kUnexpectedString,      ///< A list was expected.
    kOverflow,              ///< An integer does not fit the target type.
    kUnexpectedLength,      ///< A fixed-size field (hash, address, bloom, nonce) has the wrong length.
    kListLengthMismatch,    ///< A list has more or fewer elements than the schema allows.
    kTooLarge,              ///< A size bound set by the caller was exceeded (checked before allocating).
    kTooDeep,               ///< Nesting beyond the caller's bound.
    kUnsupportedType,       ///< An EIP-2718 typed envelope with a type this version does not know.
};

/// A short, stable, human-readable name of the error ("input too short", ...).
std::string_view to_string(DecodingError e) noexcept;

}  // namespace hypasis::rlp
