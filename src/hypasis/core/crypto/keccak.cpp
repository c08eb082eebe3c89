#include "hypasis/core/crypto/keccak.hpp"

#include <cryptopp/keccak.h>

namespace hypasis::crypto {

Hash keccak256(ByteView data) noexcept {
    Hash out;
    CryptoPP::Keccak_256 h;
    h.Update(data.data(), data.size());
    h.Final(out.data());
    return out;
}

}  // namespace hypasis::crypto
