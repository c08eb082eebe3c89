#include "hypasis/checkpoint/source.hpp"

#include <fstream>
#include <vector>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/http_source.hpp"
#include "hypasis/checkpoint/multi_source.hpp"
#include "hypasis/core/common/hex.hpp"

namespace hypasis::checkpoint {

std::string_view to_string(SourceErrc e) noexcept {
    switch (e) {
        case SourceErrc::kBadUri:
            return "bad source URI";
        case SourceErrc::kFileRead:
            return "cannot read file";
        case SourceErrc::kResolve:
            return "cannot resolve host";
        case SourceErrc::kConnect:
            return "cannot connect";
        case SourceErrc::kTls:
            return "TLS failure";
        case SourceErrc::kTimeout:
            return "timeout";
        case SourceErrc::kHttpStatus:
            return "HTTP error status";
        case SourceErrc::kBodyTooLarge:
            return "response too large";
        case SourceErrc::kMalformed:
            return "malformed checkpoint";
        case SourceErrc::kIo:
            return "I/O error";
        case SourceErrc::kUnverified:
            return "checkpoint failed verification";
        case SourceErrc::kNoQuorum:
            return "sources do not agree";
        case SourceErrc::kConflict:
            return "sources conflict";
    }
    return "unknown";
}

std::string to_string(const SourceError& e) {
    std::string s(to_string(e.code));
    if (!e.source.empty()) s += ": " + e.source;
    if (!e.detail.empty()) s += ": " + e.detail;
    return s;
}

FileSource::FileSource(std::string path, std::size_t max_bytes)
    : path_(std::move(path)), name_("file:" + path_), max_bytes_(max_bytes) {}

Expected<Checkpoint, SourceError> FileSource::read() const {
    std::ifstream in(path_, std::ios::binary);
    if (!in) return unexpected(SourceError{SourceErrc::kFileRead, name_, "cannot open " + path_});
    std::string text;
    std::vector<char> buf(64 * 1024);
    while (in) {
        in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
        text.append(buf.data(), static_cast<std::size_t>(in.gcount()));
        if (text.size() > max_bytes_) {
            return unexpected(SourceError{SourceErrc::kBodyTooLarge, name_,
                                          "larger than the cap of " + std::to_string(max_bytes_) + " bytes"});
        }
    }
    if (in.bad()) return unexpected(SourceError{SourceErrc::kFileRead, name_, "read error"});
    auto c = parse_checkpoint(text);
    if (!c) return unexpected(SourceError{SourceErrc::kMalformed, name_, to_string(c.error())});
    return std::move(*c);
}

Task<Expected<Checkpoint, SourceError>> FileSource::fetch() { co_return read(); }

Expected<std::unique_ptr<CheckpointSource>, SourceError> make_source(std::string_view uri, const HttpOptions& http,
                                                                     const ValidatorSet* set) {
    const auto bad = [&](std::string detail) {
        return unexpected(SourceError{SourceErrc::kBadUri, std::string(uri), std::move(detail)});
    };
    if (uri.starts_with("file:")) {
        std::string_view path = uri.substr(5);
        if (path.starts_with("//")) path.remove_prefix(2);
        if (path.empty()) return bad("no path");
        return std::make_unique<FileSource>(std::string(path), http.max_body_bytes);
    }
    if (uri.starts_with("http://") || uri.starts_with("https://")) {
        return std::make_unique<HttpSource>(std::string(uri), http);
    }
    if (uri.starts_with("multi:")) {
        if (set == nullptr) return bad("a multi: source needs the validator set");
        std::string_view rest = uri.substr(6);
        const auto colon = rest.find(':');
        if (colon == std::string_view::npos) return bad("expected multi:K:URI|URI|...");
        const auto k = parse_u64(rest.substr(0, colon));
        if (!k || rest.substr(0, colon).starts_with("0x")) return bad("K is not a decimal number");
        rest.remove_prefix(colon + 1);
        std::vector<std::unique_ptr<CheckpointSource>> members;
        while (!rest.empty()) {
            const auto bar = rest.find('|');
            const std::string_view member = rest.substr(0, bar);
            if (member.starts_with("multi:")) return bad("multi: sources do not nest");
            auto s = make_source(member, http, set);
            if (!s) return unexpected(std::move(s.error()));
            members.push_back(std::move(*s));
            if (bar == std::string_view::npos) break;
            rest.remove_prefix(bar + 1);
        }
        if (*k < 1 || *k > members.size()) {
            return bad("K must be between 1 and the number of sources (" + std::to_string(members.size()) + ")");
        }
        return std::make_unique<MultiSource>(std::string(uri), std::move(members), static_cast<std::size_t>(*k), *set);
    }
    return bad("expected file:, http://, https:// or multi:");
}

}  // namespace hypasis::checkpoint
