#include "hypasis/devnet/net/faulty_provider.hpp"

#include <array>
#include <charconv>
#include <string>

#include "hypasis/core/crypto/keccak.hpp"
#include "hypasis/core/types/header.hpp"

namespace hypasis::devnet {
namespace {

constexpr std::size_t kMaxPeers = 64;

constexpr std::array<PeerProfile, 6> kProfiles{PeerProfile::kHonest,      PeerProfile::kSlow,
                                                 PeerProfile::kFlaky,       PeerProfile::kWithholding,
                                                 PeerProfile::kInvalid,     PeerProfile::kLying};

std::string known_profiles() {
    std::string s;
    for (PeerProfile p : kProfiles) {
        if (!s.empty()) s += ", ";
        s += to_string(p);
    }
    return s;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string_view to_string(PeerProfile p) noexcept {
    switch (p) {
        case PeerProfile::kHonest: return "honest";
        case PeerProfile::kSlow: return "slow";
        case PeerProfile::kFlaky: return "flaky";
        case PeerProfile::kWithholding: return "withholding";
        case PeerProfile::kInvalid: return "invalid";
        case PeerProfile::kLying: return "lying";
    }
    return "unknown";
}

std::optional<PeerProfile> profile_from_string(std::string_view s) noexcept {
    for (PeerProfile p : kProfiles) {
        if (to_string(p) == s) return p;
    }
    return std::nullopt;
}

Expected<std::vector<PeerProfile>, DevnetError> parse_peer_profiles(std::string_view spec) {
    spec = trim(spec);
    if (spec.empty()) return unexpected(DevnetError{DevnetErrc::kBadOptions, "no peers"});
    if (spec.front() >= '0' && spec.front() <= '9') {
        std::size_t k = 0;
        const auto [end, ec] = std::from_chars(spec.data(), spec.data() + spec.size(), k);
        if (ec != std::errc{} || end != spec.data() + spec.size() || k == 0 || k > kMaxPeers) {
            return unexpected(
                DevnetError{DevnetErrc::kBadOptions, "a count must be 1.." + std::to_string(kMaxPeers)});
        }
        return std::vector<PeerProfile>(k, PeerProfile::kHonest);
    }
    std::vector<PeerProfile> out;
    while (true) {
        const auto comma = spec.find(',');
        const std::string_view name = trim(spec.substr(0, comma));
        const auto p = profile_from_string(name);
        if (!p) {
            return unexpected(DevnetError{DevnetErrc::kBadProfile, "'" + std::string(name) +
                                                                       "' is not a fault profile (known: " +
                                                                       known_profiles() + ")"});
        }
        out.push_back(*p);
        if (out.size() > kMaxPeers) {
            return unexpected(DevnetError{DevnetErrc::kBadOptions,
                                          "more than " + std::to_string(kMaxPeers) + " peers"});
        }
        if (comma == std::string_view::npos) break;
        spec.remove_prefix(comma + 1);
    }
    return out;
}

std::optional<Bytes> unlinked_header(ByteView rlp) {
    auto sealed = decode_header(rlp);
    if (!sealed) return std::nullopt;
    BlockHeader h = sealed->header;
    for (auto& b : h.parent_hash) b = static_cast<uint8_t>(~b);
    return encode(h);
}

FaultyProvider::FaultyProvider(p2p::peers::BlockProvider& chain, PeerProfile profile, FaultConfig config)
    : chain_(chain), profile_(profile), config_(config) {}

void FaultyProvider::shutdown() {
    {
        std::lock_guard lock(mutex_);
        shut_down_ = true;
    }
    wake_.notify_all();
}

bool FaultyProvider::pause(std::chrono::nanoseconds d) {
    std::unique_lock lock(mutex_);
    if (d.count() > 0) wake_.wait_for(lock, d, [this] { return shut_down_; });
    return !shut_down_;
}

void FaultyProvider::charge_bytes(std::size_t bytes) {
    if (config_.slow_bytes_per_second == 0) return;
    const auto ns = static_cast<int64_t>(static_cast<double>(bytes) * 1e9 /
                                         static_cast<double>(config_.slow_bytes_per_second));
    pause(std::chrono::nanoseconds(ns));
}

std::optional<Hash> FaultyProvider::neighbour_of(const Hash& hash) {
    const auto n = chain_.block_number(hash);
    if (!n) return std::nullopt;
    auto other = chain_.header_rlp(*n + 1);
    if (!other && *n > 0) other = chain_.header_rlp(*n - 1);
    if (!other) return std::nullopt;
    return crypto::keccak256(*other);
}

p2p::peers::ChainHead FaultyProvider::head() {
    p2p::peers::ChainHead h = chain_.head();
    if (profile_ == PeerProfile::kLying) {
        // A head we cannot serve: a number beyond our chain, a hash no block of it has.
        h.latest += config_.lie_ahead;
        const Hash real = h.latest_hash;
        Bytes seed(real.begin(), real.end());
        for (const char c : std::string_view("hypasis devnet lie")) seed.push_back(static_cast<uint8_t>(c));
        h.latest_hash = crypto::keccak256(seed);
    }
    return h;
}

std::optional<Bytes> FaultyProvider::header_rlp(uint64_t block_num) {
    std::vector<Bytes> out;
    const uint64_t n[1] = {block_num};
    if (header_rlps(n, SIZE_MAX, out) == 0) return std::nullopt;
    return std::move(out.front());
}

std::optional<uint64_t> FaultyProvider::block_number(const Hash& hash) {
    if (profile_ == PeerProfile::kWithholding) {
        pause(config_.withhold_limit);
        return std::nullopt;
    }
    return chain_.block_number(hash);
}

std::size_t FaultyProvider::header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                                        std::vector<Bytes>& out) {
    ++reads_;
    switch (profile_) {
        case PeerProfile::kWithholding:
            pause(config_.withhold_limit);
            return 0;
        case PeerProfile::kSlow: {
            if (!pause(config_.slow_latency)) return 0;
            const std::size_t first = out.size();
            const std::size_t n = chain_.header_rlps(numbers, byte_budget, out);
            std::size_t bytes = 0;
            for (std::size_t i = first; i < out.size(); ++i) bytes += out[i].size();
            charge_bytes(bytes);
            return n;
        }
        case PeerProfile::kInvalid: {
            const std::size_t first = out.size();
            const std::size_t n = chain_.header_rlps(numbers, byte_budget, out);
            if (n > 0) {
                Bytes& victim = out[first + n / 2];
                if (auto bad = unlinked_header(victim)) victim = std::move(*bad);
            }
            return n;
        }
        default:
            return chain_.header_rlps(numbers, byte_budget, out);
    }
}

std::optional<Bytes> FaultyProvider::body_rlp(const Hash& hash) {
    ++reads_;
    switch (profile_) {
        case PeerProfile::kWithholding:
            pause(config_.withhold_limit);
            return std::nullopt;
        case PeerProfile::kSlow: {
            auto b = chain_.body_rlp(hash);
            if (b) charge_bytes(b->size());
            return b;
        }
        case PeerProfile::kInvalid: {
            const auto other = neighbour_of(hash);
            return other ? chain_.body_rlp(*other) : std::nullopt;
        }
        default:
            return chain_.body_rlp(hash);
    }
}

std::optional<Bytes> FaultyProvider::receipts_rlp(const Hash& hash, ReceiptForm form) {
    ++reads_;
    switch (profile_) {
        case PeerProfile::kWithholding:
            pause(config_.withhold_limit);
            return std::nullopt;
        case PeerProfile::kSlow: {
            auto r = chain_.receipts_rlp(hash, form);
            if (r) charge_bytes(r->size());
            return r;
        }
        case PeerProfile::kInvalid: {
            const auto other = neighbour_of(hash);
            return other ? chain_.receipts_rlp(*other, form) : std::nullopt;
        }
        default:
            return chain_.receipts_rlp(hash, form);
    }
}

}  // namespace hypasis::devnet
