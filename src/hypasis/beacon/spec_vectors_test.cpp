// The consensus-spec light_client/sync minimal case (helios/consensus-spec-minimal, steps.yaml followed step by
// step) and portal-spec-tests' mainnet Capella and Deneb light-client objects (SSZ with a fork-digest prefix).
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

#include "hypasis/beacon/light_client.hpp"
#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/ssz/light_client_ssz.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::beacon {
namespace {

// Snappy's raw block format (google/snappy format_description.txt), as consensus-spec-tests store *.ssz_snappy.
// Test-only: nothing in the library reads snappy.
std::optional<Bytes> snappy_block_decompress(ByteView in) {
    std::size_t pos = 0;
    uint64_t length = 0;
    for (int shift = 0;; shift += 7) {
        if (pos >= in.size() || shift > 35) return std::nullopt;
        const uint8_t b = in[pos++];
        length |= uint64_t{b & 0x7fu} << shift;
        if (!(b & 0x80)) break;
    }
    if (length > (64u << 20)) return std::nullopt;
    Bytes out;
    out.reserve(length);
    while (pos < in.size()) {
        const uint8_t tag = in[pos++];
        std::size_t len = 0, offset = 0;
        switch (tag & 3) {
            case 0: {
                len = (tag >> 2) + 1u;
                if (len > 60) {
                    const std::size_t n = len - 60;
                    if (pos + n > in.size()) return std::nullopt;
                    len = 0;
                    for (std::size_t i = 0; i < n; ++i) len |= std::size_t{in[pos + i]} << (8 * i);
                    len += 1;
                    pos += n;
                }
                if (pos + len > in.size()) return std::nullopt;
                out.insert(out.end(), in.begin() + static_cast<std::ptrdiff_t>(pos),
                           in.begin() + static_cast<std::ptrdiff_t>(pos + len));
                pos += len;
                continue;
            }
            case 1:
                if (pos + 1 > in.size()) return std::nullopt;
                len = 4 + ((tag >> 2) & 7u);
                offset = (static_cast<std::size_t>(tag >> 5) << 8) | in[pos];
                pos += 1;
                break;
            case 2:
                if (pos + 2 > in.size()) return std::nullopt;
                len = (tag >> 2) + 1u;
                offset = in[pos] | (std::size_t{in[pos + 1]} << 8);
                pos += 2;
                break;
            default:
                if (pos + 4 > in.size()) return std::nullopt;
                len = (tag >> 2) + 1u;
                offset = in[pos] | (std::size_t{in[pos + 1]} << 8) | (std::size_t{in[pos + 2]} << 16) |
                         (std::size_t{in[pos + 3]} << 24);
                pos += 4;
        }
        if (offset == 0 || offset > out.size()) return std::nullopt;
        for (std::size_t i = 0; i < len; ++i) out.push_back(out[out.size() - offset]);  // copies may overlap
    }
    if (out.size() != length) return std::nullopt;
    return out;
}

Bytes read_snappy(const std::filesystem::path& p) {
    const std::string raw = test::read_file(p);
    auto out = snappy_block_decompress(as_bytes(raw));
    if (!out) throw std::runtime_error("bad snappy file " + p.string());
    return *out;
}

// One header check of steps.yaml: {slot: N, beacon_root: '0x..', execution_root: '0x..'}.
struct HeaderCheck {
    uint64_t slot{0};
    Hash beacon_root{};
    Hash execution_root{};
};

struct Step {
    bool force{false};
    std::string update;
    uint64_t current_slot{0};
    HeaderCheck finalized, optimistic;
};

HeaderCheck parse_check(const std::string& line) {
    static const std::regex re(R"(slot: (\d+), beacon_root: '(0x[0-9a-f]{64})',)");
    static const std::regex re2(R"(execution_root: '(0x[0-9a-f]{64})')");
    HeaderCheck c;
    std::smatch m;
    if (std::regex_search(line, m, re)) {
        c.slot = std::stoull(m[1]);
        c.beacon_root = *fixed_from_hex<32>(m[2].str());
    }
    if (std::regex_search(line, m, re2)) c.execution_root = *fixed_from_hex<32>(m[1].str());
    return c;
}

// steps.yaml is a flat list; its headers' flow mappings wrap onto a second line, which is joined here.
std::vector<Step> parse_steps(const std::string& text) {
    std::vector<Step> steps;
    std::istringstream in(text);
    std::string line, pending;
    HeaderCheck* target = nullptr;
    while (std::getline(in, line)) {
        if (target) {
            *target = parse_check(pending + line);
            target = nullptr;
            continue;
        }
        if (line.starts_with("- process_update:")) steps.push_back({});
        if (line.starts_with("- force_update:")) {
            steps.push_back({});
            steps.back().force = true;
        }
        if (steps.empty()) continue;
        Step& s = steps.back();
        if (auto p = line.find("update: "); p != std::string::npos && line.find("fork_digest") == std::string::npos)
            s.update = line.substr(p + 8);
        if (auto p = line.find("current_slot: "); p != std::string::npos) s.current_slot = std::stoull(line.substr(p + 14));
        if (line.find("finalized_header:") != std::string::npos) {
            pending = line;
            target = &s.finalized;
        }
        if (line.find("optimistic_header:") != std::string::npos) {
            pending = line;
            target = &s.optimistic;
        }
    }
    return steps;
}

void expect_header(const LightClient& c, const ssz::LightClientHeader& h, const HeaderCheck& want, std::size_t step) {
    EXPECT_EQ(h.beacon.slot, want.slot) << "step " << step;
    EXPECT_EQ(ssz::hash_tree_root(h.beacon), want.beacon_root) << "step " << step;
    EXPECT_EQ(c.execution_root(h), want.execution_root) << "step " << step;
}

TEST(ConsensusSpecMinimal, LightClientSyncFollowsSteps) {
    HYPASIS_FIXTURE_OR_SKIP(steps_path, "helios/consensus-spec-minimal/deneb/light_client_sync/steps.yaml");
    const auto dir = steps_path.parent_path();
    const auto meta = test::read_file(dir / "meta.yaml");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(meta, m, std::regex(R"(genesis_validators_root: '(0x[0-9a-f]{64})')")));
    const Hash gvr = *fixed_from_hex<32>(m[1].str());
    ASSERT_TRUE(std::regex_search(meta, m, std::regex(R"(trusted_block_root: '(0x[0-9a-f]{64})')")));
    const Hash trusted = *fixed_from_hex<32>(m[1].str());
    ASSERT_TRUE(std::regex_search(meta, m, std::regex(R"(bootstrap_fork_digest: '(0x[0-9a-f]{8})')")));
    const ChainConfig config = ChainConfig::minimal(gvr);
    // The digest of the test's files is Deneb's under this genesis validators root.
    ASSERT_EQ(config.fork_of_digest(*fixed_from_hex<4>(m[1].str())), ssz::Fork::kDeneb);

    const Bytes boot_bytes = read_snappy(dir / "bootstrap.ssz_snappy");
    auto boot = ssz::decode_bootstrap(boot_bytes, ssz::Fork::kDeneb, 32);
    ASSERT_TRUE(boot.has_value()) << ssz::to_string(boot.error());
    EXPECT_EQ(ssz::encode(*boot), boot_bytes);
    auto client = LightClient::bootstrap(config, trusted, *boot);
    ASSERT_TRUE(client.has_value()) << to_string(client.error());

    const auto steps = parse_steps(test::read_file(steps_path));
    ASSERT_EQ(steps.size(), 10u);
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step& s = steps[i];
        if (s.force) {
            (void)client->force_update(s.current_slot);
        } else {
            const Bytes bytes = read_snappy(dir / (s.update + ".ssz_snappy"));
            auto update = ssz::decode_update(bytes, ssz::Fork::kDeneb, 32);
            ASSERT_TRUE(update.has_value()) << s.update << ": " << ssz::to_string(update.error());
            EXPECT_EQ(ssz::encode(*update), bytes);
            auto r = client->process_update(*update, s.current_slot);
            ASSERT_TRUE(r.has_value()) << "step " << i << ": " << to_string(r.error());
        }
        expect_header(*client, client->store().finalized_header, s.finalized, i);
        expect_header(*client, client->store().optimistic_header, s.optimistic, i);
    }
}

// ---- portal-spec-tests ----

// content_value of a portal yaml (a quoted hex string, possibly folded over lines with trailing backslashes).
Bytes portal_value(const std::filesystem::path& p, std::string key = "content_value") {
    const std::string text = test::read_file(p);
    auto at = text.find(key + ":");
    if (at == std::string::npos) throw std::runtime_error("no " + key + " in " + p.string());
    const auto open = text.find('"', at);
    const auto close = text.find('"', open + 1);
    std::string hex;
    for (char c : text.substr(open + 1, close - open - 1)) {
        if (std::isxdigit(static_cast<unsigned char>(c)) || c == 'x') hex.push_back(c);
    }
    auto b = from_hex(hex);
    if (!b) throw std::runtime_error("bad hex in " + p.string());
    return *b;
}

uint64_t le64(ByteView b) {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x |= uint64_t{b[i]} << (8 * i);
    return x;
}

class Portal : public ::testing::TestWithParam<std::string> {};

TEST_P(Portal, LightClientObjectsDecodeVerifyAndRoundTrip) {
    const std::string fork_dir = "portal-spec-tests/beacon_chain/light_client/" + GetParam();
    HYPASIS_FIXTURE_OR_SKIP(boot_path, fork_dir + "/bootstrap.yaml");
    const auto dir = boot_path.parent_path();
    const ChainConfig config = ChainConfig::mainnet();
    const ssz::Fork want = *ssz::fork_from_string(GetParam());

    // Bootstrap: key 0x10 || block root; value digest || LightClientBootstrap.
    const Bytes key = portal_value(boot_path, "content_key");
    const Bytes value = portal_value(boot_path);
    ASSERT_EQ(config.fork_of_digest(to_fixed<4>(ByteView(value).first(4))), want);
    auto boot = ssz::decode_bootstrap(ByteView(value).subspan(4), want, 512);
    ASSERT_TRUE(boot.has_value()) << ssz::to_string(boot.error());
    EXPECT_EQ(ssz::encode(*boot), Bytes(value.begin() + 4, value.end()));
    const Hash root = to_fixed<32>(ByteView(key).subspan(1));
    auto client = LightClient::bootstrap(config, root, *boot);
    ASSERT_TRUE(client.has_value()) << to_string(client.error());

    // Updates by range: key 0x11 || start_period || count; value List[digest || LightClientUpdate].
    const Bytes ukey = portal_value(dir / "updates.yaml", "content_key");
    const Bytes uvalue = portal_value(dir / "updates.yaml");
    const uint64_t start = le64(ByteView(ukey).subspan(1)), count = le64(ByteView(ukey).subspan(9));
    const std::size_t n = (uvalue[0] | uvalue[1] << 8 | uvalue[2] << 16) / 4;
    ASSERT_EQ(n, count);
    std::vector<ssz::LightClientUpdate> updates;
    for (std::size_t i = 0; i < n; ++i) {
        auto off = [&](std::size_t j) {
            return j == n ? uvalue.size() : std::size_t{uvalue[4 * j]} | std::size_t{uvalue[4 * j + 1]} << 8 |
                                                std::size_t{uvalue[4 * j + 2]} << 16;
        };
        const ByteView item = ByteView(uvalue).subspan(off(i), off(i + 1) - off(i));
        const auto fork = config.fork_of_digest(to_fixed<4>(item.first(4)));
        ASSERT_TRUE(fork.has_value());
        auto u = ssz::decode_update(item.subspan(4), *fork, 512);
        ASSERT_TRUE(u.has_value()) << ssz::to_string(u.error());
        EXPECT_EQ(ssz::encode(*u), Bytes(item.begin() + 4, item.end()));
        EXPECT_EQ(config.period_at_slot(u->attested_header.beacon.slot), start + i);
        EXPECT_TRUE(client->is_valid_header(u->attested_header));
        updates.push_back(std::move(*u));
    }

    // Finality update: key 0x12 || finalized slot. It is signed by the bootstrap's committee, so it verifies.
    const Bytes fkey = portal_value(dir / "finality_update.yaml", "content_key");
    const Bytes fvalue = portal_value(dir / "finality_update.yaml");
    ASSERT_EQ(config.fork_of_digest(to_fixed<4>(ByteView(fvalue).first(4))), want);
    auto fin = ssz::decode_finality_update(ByteView(fvalue).subspan(4), want, 512);
    ASSERT_TRUE(fin.has_value()) << ssz::to_string(fin.error());
    EXPECT_EQ(ssz::encode(*fin), Bytes(fvalue.begin() + 4, fvalue.end()));
    // Deneb's updates start at the bootstrap's period and lead up to the finality update's (Capella's are older
    // than its bootstrap and cannot be applied).
    for (const auto& u : updates) {
        if (config.period_at_slot(u.attested_header.beacon.slot) < client->period()) continue;
        auto applied = client->process_update(u, fin->signature_slot);
        ASSERT_TRUE(applied.has_value()) << to_string(applied.error());
    }
    EXPECT_EQ(config.period_at_slot(fin->signature_slot), client->period());
    EXPECT_EQ(fin->finalized_header.beacon.slot, le64(ByteView(fkey).subspan(1)));
    auto r = client->process_finality_update(*fin, fin->signature_slot, true);
    ASSERT_TRUE(r.has_value()) << to_string(r.error());

    // Optimistic update: key 0x13 || signature slot.
    const Bytes okey = portal_value(dir / "optimistic_update.yaml", "content_key");
    const Bytes ovalue = portal_value(dir / "optimistic_update.yaml");
    auto opt = ssz::decode_optimistic_update(ByteView(ovalue).subspan(4), want, 512);
    ASSERT_TRUE(opt.has_value()) << ssz::to_string(opt.error());
    EXPECT_EQ(ssz::encode(*opt), Bytes(ovalue.begin() + 4, ovalue.end()));
    EXPECT_EQ(opt->signature_slot, le64(ByteView(okey).subspan(1)));
    EXPECT_TRUE(client->is_valid_header(opt->attested_header));
}

INSTANTIATE_TEST_SUITE_P(CapellaDeneb, Portal, ::testing::Values("capella", "deneb"));

}  // namespace
}  // namespace hypasis::beacon
