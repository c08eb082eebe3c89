#include "hypasis/beacon/api_json.hpp"

#include <boost/json.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/common/u256.hpp"

namespace hypasis::beacon {
namespace {

namespace bj = boost::json;
using ssz::Fork;

// A field lookup that remembers its path for error messages. Errors propagate through Expected.
class Node {
  public:
    Node(const bj::value* v, std::string path) : v_(v), path_(std::move(path)) {}

    Expected<Node, std::string> field(std::string_view name) const {
        const auto* o = v_->if_object();
        if (!o) return unexpected(path_ + ": not an object");
        const auto* f = o->if_contains(name);
        if (!f) return unexpected(path_ + "." + std::string(name) + ": missing");
        return Node(f, path_ + "." + std::string(name));
    }

    Expected<std::string_view, std::string> str() const {
        const auto* s = v_->if_string();
        if (!s) return unexpected(path_ + ": not a string");
        return std::string_view(*s);
    }

    Expected<uint64_t, std::string> u64() const {
        auto s = str();
        if (!s) return unexpected(s.error());
        // Decimal only (the Beacon API's uint64 form); reject hex and empty strings.
        if (s->empty() || s->starts_with("0x")) return unexpected(path_ + ": not a decimal uint64");
        const auto x = parse_u64(*s);
        if (!x) return unexpected(path_ + ": not a decimal uint64");
        return *x;
    }

    Expected<Bytes, std::string> bytes(std::size_t min, std::size_t max) const {
        auto s = str();
        if (!s) return unexpected(s.error());
        if (!s->starts_with("0x")) return unexpected(path_ + ": not 0x-hex");
        auto b = from_hex(*s);
        if (!b) return unexpected(path_ + ": not 0x-hex");
        if (b->size() < min || b->size() > max) {
            return unexpected(path_ + ": " + std::to_string(b->size()) + " bytes, expected " +
                              (min == max ? std::to_string(min) : std::to_string(min) + ".." + std::to_string(max)));
        }
        return std::move(*b);
    }

    template <std::size_t N>
    Expected<FixedBytes<N>, std::string> fixed() const {
        auto b = bytes(N, N);
        if (!b) return unexpected(b.error());
        return to_fixed<N>(*b);
    }

    Expected<std::vector<Node>, std::string> array(std::size_t size) const {
        const auto* a = v_->if_array();
        if (!a) return unexpected(path_ + ": not an array");
        if (a->size() != size) {
            return unexpected(path_ + ": " + std::to_string(a->size()) + " items, expected " + std::to_string(size));
        }
        std::vector<Node> out;
        out.reserve(a->size());
        for (std::size_t i = 0; i < a->size(); ++i) out.emplace_back(&(*a)[i], path_ + "[" + std::to_string(i) + "]");
        return out;
    }

    const std::string& path() const noexcept { return path_; }

  private:
    const bj::value* v_;
    std::string path_;
};

#define HYP_TRY(var, expr)                                \
    auto var##_r = (expr);                                \
    if (!var##_r) return unexpected(std::move(var##_r.error())); \
    auto var = std::move(*var##_r)

Expected<ssz::BeaconBlockHeader, std::string> beacon_header(const Node& n) {
    ssz::BeaconBlockHeader h;
    HYP_TRY(slot, n.field("slot").and_then([](const Node& x) { return x.u64(); }));
    HYP_TRY(proposer, n.field("proposer_index").and_then([](const Node& x) { return x.u64(); }));
    HYP_TRY(parent, n.field("parent_root").and_then([](const Node& x) { return x.fixed<32>(); }));
    HYP_TRY(state, n.field("state_root").and_then([](const Node& x) { return x.fixed<32>(); }));
    HYP_TRY(body, n.field("body_root").and_then([](const Node& x) { return x.fixed<32>(); }));
    h.slot = slot;
    h.proposer_index = proposer;
    h.parent_root = parent;
    h.state_root = state;
    h.body_root = body;
    return h;
}

template <std::size_t N>
Expected<FixedBytes<N>, std::string> fixed_field(const Node& n, std::string_view name) {
    return n.field(name).and_then([](const Node& x) { return x.fixed<N>(); });
}

Expected<uint64_t, std::string> u64_field(const Node& n, std::string_view name) {
    return n.field(name).and_then([](const Node& x) { return x.u64(); });
}

Expected<ssz::ExecutionPayloadHeader, std::string> execution_header(const Node& n, Fork form) {
    ssz::ExecutionPayloadHeader h;
    HYP_TRY(parent_hash, fixed_field<32>(n, "parent_hash"));
    HYP_TRY(fee_recipient, fixed_field<20>(n, "fee_recipient"));
    HYP_TRY(state_root, fixed_field<32>(n, "state_root"));
    HYP_TRY(receipts_root, fixed_field<32>(n, "receipts_root"));
    HYP_TRY(logs_bloom, fixed_field<256>(n, "logs_bloom"));
    HYP_TRY(prev_randao, fixed_field<32>(n, "prev_randao"));
    HYP_TRY(block_number, u64_field(n, "block_number"));
    HYP_TRY(gas_limit, u64_field(n, "gas_limit"));
    HYP_TRY(gas_used, u64_field(n, "gas_used"));
    HYP_TRY(timestamp, u64_field(n, "timestamp"));
    HYP_TRY(extra_node, n.field("extra_data"));
    HYP_TRY(extra_data, extra_node.bytes(0, ssz::kMaxExtraDataBytes));
    HYP_TRY(fee_node, n.field("base_fee_per_gas"));
    HYP_TRY(fee_text, fee_node.str());
    const auto fee = fee_text.starts_with("0x") ? std::nullopt : U256::from_string(fee_text);
    if (!fee) return unexpected(fee_node.path() + ": not a decimal uint256");
    HYP_TRY(block_hash, fixed_field<32>(n, "block_hash"));
    HYP_TRY(transactions_root, fixed_field<32>(n, "transactions_root"));
    HYP_TRY(withdrawals_root, fixed_field<32>(n, "withdrawals_root"));
    if (form >= Fork::kDeneb) {
        HYP_TRY(blob_gas_used, u64_field(n, "blob_gas_used"));
        HYP_TRY(excess_blob_gas, u64_field(n, "excess_blob_gas"));
        h.blob_gas_used = blob_gas_used;
        h.excess_blob_gas = excess_blob_gas;
    }
    h.parent_hash = parent_hash;
    h.fee_recipient = fee_recipient;
    h.state_root = state_root;
    h.receipts_root = receipts_root;
    h.logs_bloom = logs_bloom;
    h.prev_randao = prev_randao;
    h.block_number = block_number;
    h.gas_limit = gas_limit;
    h.gas_used = gas_used;
    h.timestamp = timestamp;
    h.extra_data = std::move(extra_data);
    const auto be = fee->to_be32();
    for (std::size_t i = 0; i < 32; ++i) h.base_fee_per_gas_le[i] = be[31 - i];
    h.block_hash = block_hash;
    h.transactions_root = transactions_root;
    h.withdrawals_root = withdrawals_root;
    return h;
}

Expected<ssz::LightClientHeader, std::string> lc_header(const Node& n, Fork form) {
    ssz::LightClientHeader h;
    h.fork = form;
    HYP_TRY(beacon_node, n.field("beacon"));
    HYP_TRY(beacon, beacon_header(beacon_node));
    h.beacon = beacon;
    if (!ssz::has_execution(form)) return h;
    HYP_TRY(exec_node, n.field("execution"));
    HYP_TRY(execution, execution_header(exec_node, form));
    h.execution = std::move(execution);
    HYP_TRY(branch_node, n.field("execution_branch"));
    HYP_TRY(items, branch_node.array(ssz::kExecutionBranchLength));
    for (std::size_t i = 0; i < items.size(); ++i) {
        HYP_TRY(x, items[i].fixed<32>());
        h.execution_branch[i] = x;
    }
    return h;
}

Expected<std::vector<Hash>, std::string> branch(const Node& n, std::string_view name, std::size_t length) {
    HYP_TRY(node, n.field(name));
    HYP_TRY(items, node.array(length));
    std::vector<Hash> out(length);
    for (std::size_t i = 0; i < length; ++i) {
        HYP_TRY(x, items[i].fixed<32>());
        out[i] = x;
    }
    return out;
}

Expected<ssz::SyncCommittee, std::string> committee(const Node& n, std::size_t size) {
    ssz::SyncCommittee c;
    HYP_TRY(keys_node, n.field("pubkeys"));
    HYP_TRY(keys, keys_node.array(size));
    c.pubkeys.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
        HYP_TRY(k, keys[i].fixed<48>());
        c.pubkeys[i] = k;
    }
    HYP_TRY(agg, fixed_field<48>(n, "aggregate_pubkey"));
    c.aggregate_pubkey = agg;
    return c;
}

Expected<ssz::SyncAggregate, std::string> aggregate(const Node& n, std::size_t size) {
    ssz::SyncAggregate a;
    HYP_TRY(bits_node, n.field("sync_committee_bits"));
    HYP_TRY(bits, bits_node.bytes(size / 8, size / 8));
    HYP_TRY(sig, fixed_field<96>(n, "sync_committee_signature"));
    a.bits = std::move(bits);
    a.signature = sig;
    return a;
}

// The envelope: {"version", "data"}.
Expected<std::pair<Fork, Node>, std::string> envelope(const bj::value& v, std::size_t committee_size) {
    if (committee_size == 0 || committee_size % 8 != 0) return unexpected(std::string("bad sync committee size"));
    const Node root(&v, "$");
    HYP_TRY(version_node, root.field("version"));
    HYP_TRY(version, version_node.str());
    const auto fork = ssz::fork_from_string(version);
    if (!fork || *fork < Fork::kAltair) {
        return unexpected(version_node.path() + ": unknown or pre-altair fork \"" + std::string(version) + "\"");
    }
    HYP_TRY(data, root.field("data"));
    return std::pair<Fork, Node>{*fork, data};
}

}  // namespace

Expected<ssz::LightClientBootstrap, std::string> parse_bootstrap_json(const bj::value& v, std::size_t committee_size) {
    HYP_TRY(env, envelope(v, committee_size));
    const auto& [fork, data] = env;
    ssz::LightClientBootstrap b;
    b.fork = fork;
    HYP_TRY(header_node, data.field("header"));
    HYP_TRY(header, lc_header(header_node, fork));
    b.header = std::move(header);
    HYP_TRY(committee_node, data.field("current_sync_committee"));
    HYP_TRY(c, committee(committee_node, committee_size));
    b.current_sync_committee = std::move(c);
    HYP_TRY(br, branch(data, "current_sync_committee_branch", ssz::sync_committee_branch_length(fork)));
    b.current_sync_committee_branch = std::move(br);
    return b;
}

namespace {

// The parts the three update kinds share (the containers repeat them field for field): every update has the
// attested header, the sync aggregate and the signature slot; the full and the finality update also have the
// finalized header and its branch.
template <class U>
Expected<void, std::string> read_signed_part(const Node& data, Fork fork, std::size_t committee_size, U& u) {
    u.fork = fork;
    HYP_TRY(attested_node, data.field("attested_header"));
    HYP_TRY(attested, lc_header(attested_node, fork));
    u.attested_header = std::move(attested);
    HYP_TRY(agg_node, data.field("sync_aggregate"));
    HYP_TRY(agg, aggregate(agg_node, committee_size));
    u.sync_aggregate = std::move(agg);
    HYP_TRY(slot, u64_field(data, "signature_slot"));
    u.signature_slot = slot;
    return {};
}

template <class U>
Expected<void, std::string> read_finality_part(const Node& data, Fork fork, U& u) {
    HYP_TRY(finalized_node, data.field("finalized_header"));
    HYP_TRY(finalized, lc_header(finalized_node, fork));
    u.finalized_header = std::move(finalized);
    HYP_TRY(fbr, branch(data, "finality_branch", ssz::finality_branch_length(fork)));
    u.finality_branch = std::move(fbr);
    return {};
}

}  // namespace

Expected<ssz::LightClientUpdate, std::string> parse_update_json(const bj::value& v, std::size_t committee_size) {
    HYP_TRY(env, envelope(v, committee_size));
    const auto& [fork, data] = env;
    ssz::LightClientUpdate u;
    if (auto ok = read_signed_part(data, fork, committee_size, u); !ok) return unexpected(std::move(ok.error()));
    HYP_TRY(committee_node, data.field("next_sync_committee"));
    HYP_TRY(c, committee(committee_node, committee_size));
    u.next_sync_committee = std::move(c);
    HYP_TRY(nbr, branch(data, "next_sync_committee_branch", ssz::sync_committee_branch_length(fork)));
    u.next_sync_committee_branch = std::move(nbr);
    if (auto ok = read_finality_part(data, fork, u); !ok) return unexpected(std::move(ok.error()));
    return u;
}

Expected<std::vector<ssz::LightClientUpdate>, std::string> parse_updates_json(const bj::value& v,
                                                                             std::size_t committee_size) {
    const auto* a = v.if_array();
    if (!a) return unexpected(std::string("$: not an array"));
    std::vector<ssz::LightClientUpdate> out;
    out.reserve(a->size());
    for (std::size_t i = 0; i < a->size(); ++i) {
        auto u = parse_update_json((*a)[i], committee_size);
        if (!u) return unexpected("[" + std::to_string(i) + "]" + u.error().substr(1));
        out.push_back(std::move(*u));
    }
    return out;
}

Expected<ssz::LightClientFinalityUpdate, std::string> parse_finality_update_json(const bj::value& v,
                                                                                 std::size_t committee_size) {
    HYP_TRY(env, envelope(v, committee_size));
    const auto& [fork, data] = env;
    ssz::LightClientFinalityUpdate u;
    if (auto ok = read_signed_part(data, fork, committee_size, u); !ok) return unexpected(std::move(ok.error()));
    if (auto ok = read_finality_part(data, fork, u); !ok) return unexpected(std::move(ok.error()));
    return u;
}

Expected<ssz::LightClientOptimisticUpdate, std::string> parse_optimistic_update_json(const bj::value& v,
                                                                                     std::size_t committee_size) {
    HYP_TRY(env, envelope(v, committee_size));
    const auto& [fork, data] = env;
    ssz::LightClientOptimisticUpdate u;
    if (auto ok = read_signed_part(data, fork, committee_size, u); !ok) return unexpected(std::move(ok.error()));
    return u;
}

Expected<ssz::BeaconBlockHeader, std::string> parse_beacon_block_header_json(const bj::value& v) {
    return beacon_header(Node(&v, "$"));
}

Expected<ssz::ExecutionPayloadHeader, std::string> parse_execution_payload_header_json(const bj::value& v, Fork form) {
    if (!ssz::has_execution(form)) return unexpected(std::string("no execution payload header before capella"));
    return execution_header(Node(&v, "$"), form);
}

Expected<ssz::LightClientHeader, std::string> parse_light_client_header_json(const bj::value& v, Fork form) {
    if (form < Fork::kAltair) return unexpected(std::string("no light-client header before altair"));
    return lc_header(Node(&v, "$"), form);
}

Expected<ssz::SyncCommittee, std::string> parse_sync_committee_json(const bj::value& v, std::size_t committee_size) {
    return committee(Node(&v, "$"), committee_size);
}

Expected<ssz::SyncAggregate, std::string> parse_sync_aggregate_json(const bj::value& v, std::size_t committee_size) {
    if (committee_size == 0 || committee_size % 8 != 0) return unexpected(std::string("bad sync committee size"));
    return aggregate(Node(&v, "$"), committee_size);
}

}  // namespace hypasis::beacon
