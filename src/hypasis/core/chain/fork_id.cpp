#include "hypasis/core/chain/fork_id.hpp"

#include <algorithm>
#include <limits>

#include "hypasis/core/chain/crc32.hpp"
#include "hypasis/core/rlp/decode.hpp"
#include "hypasis/core/rlp/encode.hpp"

namespace hypasis::chain {
namespace {

uint32_t checksum_update(uint32_t crc, uint64_t fork) noexcept {
    const FixedBytes<8> be = be64(fork);
    return crc32_ieee(ByteView{be.data(), be.size()}, crc);
}

void sort_unique(std::vector<uint64_t>& v) {
    std::sort(v.begin(), v.end());
    v.erase(std::unique(v.begin(), v.end()), v.end());
}

}  // namespace

uint32_t ForkId::checksum() const noexcept {
    return (uint32_t{hash[0]} << 24) | (uint32_t{hash[1]} << 16) | (uint32_t{hash[2]} << 8) | uint32_t{hash[3]};
}

ForkId ForkId::from_checksum(uint32_t checksum, uint64_t next) noexcept {
    ForkId id;
    id.hash = {static_cast<uint8_t>(checksum >> 24), static_cast<uint8_t>(checksum >> 16),
               static_cast<uint8_t>(checksum >> 8), static_cast<uint8_t>(checksum)};
    id.next = next;
    return id;
}

std::string_view to_string(ForkIdError e) noexcept {
    switch (e) {
        case ForkIdError::kRemoteStale:
            return "remote needs update";
        case ForkIdError::kLocalIncompatibleOrStale:
            return "local incompatible or needs update";
    }
    return "unknown fork id error";
}

ForkList gather_forks(const ChainSpec& spec) {
    ForkList out;
    for (const ForkActivation& a : spec.config.forks) {
        if (!a.in_fork_id) continue;
        (a.trigger == ForkTrigger::kBlock ? out.by_block : out.by_time).push_back(a.at);
    }
    sort_unique(out.by_block);
    sort_unique(out.by_time);
    // EIP-2124: a fork at block 0 is the genesis ruleset. (geth drops exactly block 0, not "up to the genesis
    // number"; genesis is block 0 on every chain we know.)
    if (!out.by_block.empty() && out.by_block.front() == 0) out.by_block.erase(out.by_block.begin());
    // EIP-6122 as geth does it: a time fork at or before the genesis timestamp is already in the genesis ruleset.
    const auto first_after = std::upper_bound(out.by_time.begin(), out.by_time.end(), spec.genesis_timestamp);
    out.by_time.erase(out.by_time.begin(), first_after);
    return out;
}

ForkFilter::ForkFilter(const ChainSpec& spec) : ForkFilter(spec.genesis_hash, gather_forks(spec)) {}

ForkFilter::ForkFilter(const Hash& genesis_hash, ForkList forks) : forks_(std::move(forks)) {
    sums_.reserve(forks_.by_block.size() + forks_.by_time.size() + 1);
    uint32_t crc = crc32_ieee(ByteView{genesis_hash.data(), genesis_hash.size()});
    sums_.push_back(crc);
    for (uint64_t f : forks_.by_block) sums_.push_back(crc = checksum_update(crc, f));
    for (uint64_t f : forks_.by_time) sums_.push_back(crc = checksum_update(crc, f));
}

ForkId ForkFilter::id_at(uint64_t head_number, uint64_t head_time) const noexcept {
    std::size_t passed = 0;
    for (uint64_t f : forks_.by_block) {
        if (f > head_number) return ForkId::from_checksum(sums_[passed], f);
        ++passed;
    }
    for (uint64_t f : forks_.by_time) {
        if (f > head_time) return ForkId::from_checksum(sums_[passed], f);
        ++passed;
    }
    return ForkId::from_checksum(sums_[passed], 0);
}

Expected<void, ForkIdError> ForkFilter::validate(const ForkId& remote, uint64_t head_number,
                                                 uint64_t head_time) const noexcept {
    constexpr uint64_t kNever = std::numeric_limits<uint64_t>::max();
    const std::size_t n_block = forks_.by_block.size();
    const std::size_t n_all = n_block + forks_.by_time.size();
    const uint32_t remote_sum = remote.checksum();
    // The fork list extended with a sentinel that is never passed. With no time forks, the sentinel counts as a
    // block fork so that the comparison stays with block numbers (geth does the same).
    const std::size_t n_block_ext = forks_.by_time.empty() ? n_block + 1 : n_block;
    auto fork_at = [&](std::size_t i) noexcept -> uint64_t {
        if (i < n_block) return forks_.by_block[i];
        if (i < n_all) return forks_.by_time[i - n_block];
        return kNever;
    };
    for (std::size_t i = 0; i <= n_all; ++i) {
        const uint64_t fork = fork_at(i);
        const uint64_t head = i < n_block_ext ? head_number : head_time;
        if (head >= fork) continue;
        // i is our first fork not yet passed: sums_[i] is our current checksum.
        if (sums_[i] == remote_sum) {
            // Rule 1a: the remote announces a next fork that we have already passed without applying it.
            if (remote.next > 0 &&
                (head >= remote.next || (remote.next > kForkIdTimestampThreshold && head_time >= remote.next))) {
                return unexpected(ForkIdError::kLocalIncompatibleOrStale);
            }
            return {};  // Rule 1b.
        }
        // Rule 2: the remote is behind us on our chain; it must know the fork that comes after its state.
        for (std::size_t j = 0; j < i; ++j) {
            if (sums_[j] == remote_sum) {
                if (fork_at(j) != remote.next) return unexpected(ForkIdError::kRemoteStale);
                return {};
            }
        }
        // Rule 3: the remote is ahead of us on our chain (we are syncing).
        for (std::size_t j = i + 1; j < sums_.size(); ++j) {
            if (sums_[j] == remote_sum) return {};
        }
        return unexpected(ForkIdError::kLocalIncompatibleOrStale);  // Rule 4.
    }
    return {};  // Unreachable: the sentinel is never passed.
}

ForkId fork_id_at(const ChainSpec& spec, uint64_t head_number, uint64_t head_time) {
    return ForkFilter(spec).id_at(head_number, head_time);
}

Expected<void, ForkIdError> validate_remote(const ChainSpec& spec, uint64_t head_number, uint64_t head_time,
                                            const ForkId& remote) {
    return ForkFilter(spec).validate(remote, head_number, head_time);
}

Bytes encode(const ForkId& id) {
    Bytes payload;
    rlp::encode_fixed(payload, id.hash);
    rlp::encode_u64(payload, id.next);
    return rlp::wrap_list(payload);
}

Expected<ForkId, rlp::DecodingError> decode_fork_id(ByteView in) noexcept {
    auto payload = rlp::decode_list(in);
    if (!payload) return unexpected(payload.error());
    if (!in.empty()) return unexpected(rlp::DecodingError::kInputTooLong);
    ByteView p = *payload;
    ForkId id;
    if (p.empty()) return unexpected(rlp::DecodingError::kListLengthMismatch);
    auto hash = rlp::decode_fixed<4>(p);
    if (!hash) return unexpected(hash.error());
    if (p.empty()) return unexpected(rlp::DecodingError::kListLengthMismatch);
    auto next = rlp::decode_u64(p);
    if (!next) return unexpected(next.error());
    if (!p.empty()) return unexpected(rlp::DecodingError::kListLengthMismatch);
    id.hash = *hash;
    id.next = *next;
    return id;
}

}  // namespace hypasis::chain
