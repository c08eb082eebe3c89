#include "hypasis/sync/fetch.hpp"

#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/core/validation/header_validation.hpp"

namespace hypasis::sync {

std::string_view to_string(HistoryMode m) noexcept {
    switch (m) {
        case HistoryMode::kHeaders: return "headers";
        case HistoryMode::kBodies: return "bodies";
        case HistoryMode::kFull: return "full";
    }
    return "unknown";
}

std::optional<HistoryMode> history_mode_from_string(std::string_view s) noexcept {
    if (s == "headers") return HistoryMode::kHeaders;
    if (s == "bodies") return HistoryMode::kBodies;
    if (s == "full") return HistoryMode::kFull;
    return std::nullopt;
}

std::string_view to_string(FetchErrc e) noexcept {
    switch (e) {
        case FetchErrc::kNumberMismatch: return "number mismatch";
        case FetchErrc::kUnlinked: return "unlinked";
        case FetchErrc::kInvalidHeader: return "invalid header";
        case FetchErrc::kBodyMismatch: return "body mismatch";
        case FetchErrc::kReceiptsMismatch: return "receipts mismatch";
        case FetchErrc::kTooMany: return "too many items";
    }
    return "unknown";
}

std::string to_string(const FetchError& e) {
    std::string out(to_string(e.code));
    out += " at block ";
    out += std::to_string(e.block_num);
    if (e.header_error) {
        out += ": ";
        out += validation::to_string(*e.header_error);
    } else if (e.body_error) {
        out += ": ";
        out += validation::to_string(*e.body_error);
    }
    return out;
}

namespace {

// `parent` below `child`: the shared rules of both directions.
Expected<void, FetchError> check_pair(const chain::ChainSpec& spec, const SealedHeader& parent,
                                      const SealedHeader& child, uint64_t fault_num) noexcept {
    if (child.header.number == 0 || parent.header.number + 1 != child.header.number) {
        return unexpected(FetchError{FetchErrc::kNumberMismatch, fault_num, {}, {}});
    }
    if (child.header.parent_hash != parent.hash) return unexpected(FetchError{FetchErrc::kUnlinked, fault_num, {}, {}});
    if (auto ok = validation::validate_header(spec, parent, child.header); !ok) {
        return unexpected(FetchError{FetchErrc::kInvalidHeader, fault_num, ok.error(), {}});
    }
    return {};
}

}  // namespace

Expected<void, FetchError> check_headers_descending(const chain::ChainSpec& spec,
                                                    std::span<const SealedHeader> descending,
                                                    const SealedHeader& child) noexcept {
    const SealedHeader* above = &child;
    for (std::size_t i = 0; i < descending.size(); ++i) {
        const SealedHeader& h = descending[i];
        // The expected number is computed from the trusted child, never from the peer's data.
        const uint64_t want = child.header.number - 1 - i;
        if (child.header.number < i + 1 || h.header.number != want) {
            return unexpected(FetchError{FetchErrc::kNumberMismatch, child.header.number >= i + 1 ? want : 0, {}, {}});
        }
        // A broken link blames the fetched header below (its hash is not the one named above). A broken rule is
        // a property of the child checked against its parent, so it blames the child, unless the child is the
        // trusted one: then the fetched parent is what is wrong.
        if (auto ok = check_pair(spec, h, *above, want); !ok) {
            if (ok.error().code == FetchErrc::kInvalidHeader && i > 0) ok.error().block_num = want + 1;
            return ok;
        }
        above = &h;
    }
    return {};
}

Expected<void, FetchError> check_headers_ascending(const chain::ChainSpec& spec, const SealedHeader& parent,
                                                   std::span<const SealedHeader> ascending) noexcept {
    const SealedHeader* below = &parent;
    for (std::size_t i = 0; i < ascending.size(); ++i) {
        const uint64_t want = parent.header.number + 1 + i;
        if (ascending[i].header.number != want) {
            return unexpected(FetchError{FetchErrc::kNumberMismatch, want, {}, {}});
        }
        if (auto ok = check_pair(spec, *below, ascending[i], want); !ok) return ok;
        below = &ascending[i];
    }
    return {};
}

Expected<void, FetchError> check_bodies(std::span<const SealedHeader> headers,
                                        std::span<const BlockBody> bodies) noexcept {
    if (bodies.size() > headers.size()) {
        return unexpected(FetchError{FetchErrc::kTooMany, headers.empty() ? 0 : headers.back().header.number, {}, {}});
    }
    for (std::size_t i = 0; i < bodies.size(); ++i) {
        if (auto ok = validation::validate_body(headers[i].header, bodies[i]); !ok) {
            return unexpected(FetchError{FetchErrc::kBodyMismatch, headers[i].header.number, {}, ok.error()});
        }
    }
    return {};
}

Expected<void, FetchError> check_receipts(std::span<const SealedHeader> headers,
                                          std::span<const std::vector<Receipt>> receipts) noexcept {
    if (receipts.size() > headers.size()) {
        return unexpected(FetchError{FetchErrc::kTooMany, headers.empty() ? 0 : headers.back().header.number, {}, {}});
    }
    for (std::size_t i = 0; i < receipts.size(); ++i) {
        if (auto ok = validation::validate_receipts(headers[i].header, receipts[i]); !ok) {
            return unexpected(FetchError{FetchErrc::kReceiptsMismatch, headers[i].header.number, {}, ok.error()});
        }
    }
    return {};
}

}  // namespace hypasis::sync
