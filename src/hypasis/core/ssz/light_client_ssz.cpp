#include "hypasis/core/ssz/light_client_ssz.hpp"

#include <algorithm>
#include <array>

#include "hypasis/core/ssz/merkle.hpp"

namespace hypasis::ssz {
namespace {

// ---- little-endian fields ----

uint64_t load_u64(ByteView in) noexcept {
    uint64_t x = 0;
    for (std::size_t i = 0; i < 8; ++i) x |= uint64_t{in[i]} << (8 * i);
    return x;
}

uint32_t load_u32(ByteView in) noexcept {
    uint32_t x = 0;
    for (std::size_t i = 0; i < 4; ++i) x |= uint32_t{in[i]} << (8 * i);
    return x;
}

void put_u64(Bytes& out, uint64_t x) {
    for (std::size_t i = 0; i < 8; ++i, x >>= 8) out.push_back(static_cast<uint8_t>(x));
}

void put_u32(Bytes& out, uint32_t x) {
    for (std::size_t i = 0; i < 4; ++i, x >>= 8) out.push_back(static_cast<uint8_t>(x));
}

void put(Bytes& out, ByteView b) { out.insert(out.end(), b.begin(), b.end()); }

// A cursor over a fixed part whose size the caller has already checked.
class Cursor {
  public:
    explicit Cursor(ByteView in) noexcept : in_(in) {}
    ByteView take(std::size_t n) noexcept {
        ByteView v = in_.subspan(pos_, n);
        pos_ += n;
        return v;
    }
    template <std::size_t N>
    FixedBytes<N> fixed() noexcept {
        return to_fixed<N>(take(N));
    }
    uint64_t u64() noexcept { return load_u64(take(8)); }
    uint32_t u32() noexcept { return load_u32(take(4)); }

  private:
    ByteView in_;
    std::size_t pos_{0};
};

// One field of a container: a fixed size, or variable (a 4-byte offset in the fixed part).
struct Part {
    std::size_t fixed{0};
    bool variable{false};
};

constexpr Part fixed_part(std::size_t n) noexcept { return {n, false}; }
constexpr Part variable_part() noexcept { return {0, true}; }

// Splits a container's encoding into its fields' encodings (simple-serialize.md, "Deserialization").
template <std::size_t N>
Expected<std::array<ByteView, N>, SszError> split(ByteView in, const std::array<Part, N>& parts) noexcept {
    std::size_t fixed_size = 0;
    for (const Part& p : parts) fixed_size += p.variable ? 4 : p.fixed;
    if (in.size() < fixed_size) return unexpected(SszError::kInputTooShort);
    std::array<ByteView, N> out{};
    std::array<std::size_t, N> offsets{};
    std::size_t pos = 0;
    std::size_t previous = fixed_size;
    bool any_variable = false;
    for (std::size_t i = 0; i < N; ++i) {
        if (parts[i].variable) {
            const std::size_t off = load_u32(in.subspan(pos, 4));
            if (!any_variable ? off != fixed_size : off < previous) return unexpected(SszError::kBadOffset);
            if (off > in.size()) return unexpected(SszError::kBadOffset);
            offsets[i] = off;
            previous = off;
            any_variable = true;
            pos += 4;
        } else {
            out[i] = in.subspan(pos, parts[i].fixed);
            pos += parts[i].fixed;
        }
    }
    if (!any_variable && in.size() != fixed_size) return unexpected(SszError::kInputTooLong);
    for (std::size_t i = 0; i < N; ++i) {
        if (!parts[i].variable) continue;
        std::size_t end = in.size();
        for (std::size_t j = i + 1; j < N; ++j) {
            if (parts[j].variable) {
                end = offsets[j];
                break;
            }
        }
        out[i] = in.subspan(offsets[i], end - offsets[i]);
    }
    return out;
}

// Joins field encodings into a container (variable fields get offsets).
struct Field {
    Bytes bytes;
    bool variable{false};
};

Bytes join(std::span<const Field> fields) {
    std::size_t fixed_size = 0;
    std::size_t total = 0;
    for (const Field& f : fields) {
        fixed_size += f.variable ? 4 : f.bytes.size();
        total += f.bytes.size() + (f.variable ? 4 : 0);
    }
    Bytes out;
    out.reserve(total);
    std::size_t next = fixed_size;
    for (const Field& f : fields) {
        if (f.variable) {
            put_u32(out, static_cast<uint32_t>(next));
            next += f.bytes.size();
        } else {
            put(out, f.bytes);
        }
    }
    for (const Field& f : fields) {
        if (f.variable) put(out, f.bytes);
    }
    return out;
}

constexpr std::size_t kBeaconHeaderSize = 112;

// The header as a field of a bigger container: fixed (Altair form) or variable (Capella on).
Part header_part(Fork form) noexcept {
    return has_execution(form) ? variable_part() : fixed_part(kBeaconHeaderSize);
}

Field header_field(const LightClientHeader& h) { return {encode(h), has_execution(h.fork)}; }

std::vector<Hash> decode_branch(ByteView in) {
    std::vector<Hash> branch(in.size() / 32);
    for (std::size_t i = 0; i < branch.size(); ++i) branch[i] = to_fixed<32>(in.subspan(32 * i, 32));
    return branch;
}

Bytes encode_branch(std::span<const Hash> branch) {
    Bytes out;
    out.reserve(32 * branch.size());
    for (const Hash& h : branch) put(out, h);
    return out;
}

Hash branch_root(std::span<const Hash> branch) noexcept { return merkleize(branch); }

bool committee_size_ok(std::size_t n) noexcept { return n > 0 && n % 8 == 0; }

}  // namespace

std::string_view to_string(SszError e) noexcept {
    switch (e) {
        case SszError::kInputTooShort: return "input too short";
        case SszError::kInputTooLong: return "input too long";
        case SszError::kBadOffset: return "bad offset";
        case SszError::kExtraDataTooLong: return "extra_data too long";
        case SszError::kUnsupportedFork: return "no light-client containers before altair";
        case SszError::kBadCommitteeSize: return "bad sync committee size";
    }
    return "unknown ssz error";
}

// ---- decoding ----

Expected<BeaconBlockHeader, SszError> decode_beacon_block_header(ByteView in) noexcept {
    if (in.size() < kBeaconHeaderSize) return unexpected(SszError::kInputTooShort);
    if (in.size() > kBeaconHeaderSize) return unexpected(SszError::kInputTooLong);
    Cursor c(in);
    BeaconBlockHeader h;
    h.slot = c.u64();
    h.proposer_index = c.u64();
    h.parent_root = c.fixed<32>();
    h.state_root = c.fixed<32>();
    h.body_root = c.fixed<32>();
    return h;
}

Expected<ExecutionPayloadHeader, SszError> decode_execution_payload_header(ByteView in, Fork form) {
    if (!has_execution(form)) return unexpected(SszError::kUnsupportedFork);
    const bool deneb = form >= Fork::kDeneb;
    const std::array<Part, 2> parts{fixed_part(32 + 20 + 32 + 32 + 256 + 32 + 8 * 4), variable_part()};
    const std::size_t tail = 32 * 4 + (deneb ? 16 : 0);
    // The variable field sits in the middle: split the fixed part by hand around its offset.
    const std::size_t fixed_size = parts[0].fixed + 4 + tail;
    if (in.size() < fixed_size) return unexpected(SszError::kInputTooShort);
    Cursor c(in);
    ExecutionPayloadHeader h;
    h.parent_hash = c.fixed<32>();
    h.fee_recipient = c.fixed<20>();
    h.state_root = c.fixed<32>();
    h.receipts_root = c.fixed<32>();
    h.logs_bloom = c.fixed<256>();
    h.prev_randao = c.fixed<32>();
    h.block_number = c.u64();
    h.gas_limit = c.u64();
    h.gas_used = c.u64();
    h.timestamp = c.u64();
    const std::size_t offset = c.u32();
    h.base_fee_per_gas_le = c.fixed<32>();
    h.block_hash = c.fixed<32>();
    h.transactions_root = c.fixed<32>();
    h.withdrawals_root = c.fixed<32>();
    if (deneb) {
        h.blob_gas_used = c.u64();
        h.excess_blob_gas = c.u64();
    }
    if (offset != fixed_size || offset > in.size()) return unexpected(SszError::kBadOffset);
    if (in.size() - offset > kMaxExtraDataBytes) return unexpected(SszError::kExtraDataTooLong);
    h.extra_data.assign(in.begin() + static_cast<std::ptrdiff_t>(offset), in.end());
    return h;
}

Expected<LightClientHeader, SszError> decode_light_client_header(ByteView in, Fork form) {
    if (form < Fork::kAltair) return unexpected(SszError::kUnsupportedFork);
    LightClientHeader h;
    h.fork = form;
    if (!has_execution(form)) {
        auto beacon = decode_beacon_block_header(in);
        if (!beacon) return unexpected(beacon.error());
        h.beacon = *beacon;
        return h;
    }
    auto fields = split(in, std::array<Part, 3>{fixed_part(kBeaconHeaderSize), variable_part(),
                                                fixed_part(32 * kExecutionBranchLength)});
    if (!fields) return unexpected(fields.error());
    h.beacon = *decode_beacon_block_header((*fields)[0]);
    auto execution = decode_execution_payload_header((*fields)[1], form);
    if (!execution) return unexpected(execution.error());
    h.execution = std::move(*execution);
    for (std::size_t i = 0; i < kExecutionBranchLength; ++i) {
        h.execution_branch[i] = to_fixed<32>((*fields)[2].subspan(32 * i, 32));
    }
    return h;
}

Expected<SyncCommittee, SszError> decode_sync_committee(ByteView in, std::size_t committee_size) {
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    const std::size_t size = 48 * (committee_size + 1);
    if (in.size() < size) return unexpected(SszError::kInputTooShort);
    if (in.size() > size) return unexpected(SszError::kInputTooLong);
    Cursor c(in);
    SyncCommittee s;
    s.pubkeys.resize(committee_size);
    for (auto& k : s.pubkeys) k = c.fixed<48>();
    s.aggregate_pubkey = c.fixed<48>();
    return s;
}

Expected<SyncAggregate, SszError> decode_sync_aggregate(ByteView in, std::size_t committee_size) {
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    const std::size_t size = committee_size / 8 + 96;
    if (in.size() < size) return unexpected(SszError::kInputTooShort);
    if (in.size() > size) return unexpected(SszError::kInputTooLong);
    SyncAggregate a;
    a.bits.assign(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(committee_size / 8));
    a.signature = to_fixed<96>(in.subspan(committee_size / 8));
    return a;
}

Expected<LightClientBootstrap, SszError> decode_bootstrap(ByteView in, Fork form, std::size_t committee_size) {
    if (form < Fork::kAltair) return unexpected(SszError::kUnsupportedFork);
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    auto fields = split(in, std::array<Part, 3>{header_part(form), fixed_part(48 * (committee_size + 1)),
                                                fixed_part(32 * sync_committee_branch_length(form))});
    if (!fields) return unexpected(fields.error());
    LightClientBootstrap b;
    b.fork = form;
    auto header = decode_light_client_header((*fields)[0], form);
    if (!header) return unexpected(header.error());
    b.header = std::move(*header);
    b.current_sync_committee = std::move(*decode_sync_committee((*fields)[1], committee_size));
    b.current_sync_committee_branch = decode_branch((*fields)[2]);
    return b;
}

Expected<LightClientUpdate, SszError> decode_update(ByteView in, Fork form, std::size_t committee_size) {
    if (form < Fork::kAltair) return unexpected(SszError::kUnsupportedFork);
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    auto fields = split(
        in, std::array<Part, 7>{header_part(form), fixed_part(48 * (committee_size + 1)),
                                fixed_part(32 * sync_committee_branch_length(form)), header_part(form),
                                fixed_part(32 * finality_branch_length(form)), fixed_part(committee_size / 8 + 96),
                                fixed_part(8)});
    if (!fields) return unexpected(fields.error());
    LightClientUpdate u;
    u.fork = form;
    auto attested = decode_light_client_header((*fields)[0], form);
    if (!attested) return unexpected(attested.error());
    u.attested_header = std::move(*attested);
    u.next_sync_committee = std::move(*decode_sync_committee((*fields)[1], committee_size));
    u.next_sync_committee_branch = decode_branch((*fields)[2]);
    auto finalized = decode_light_client_header((*fields)[3], form);
    if (!finalized) return unexpected(finalized.error());
    u.finalized_header = std::move(*finalized);
    u.finality_branch = decode_branch((*fields)[4]);
    u.sync_aggregate = std::move(*decode_sync_aggregate((*fields)[5], committee_size));
    u.signature_slot = load_u64((*fields)[6]);
    return u;
}

Expected<LightClientFinalityUpdate, SszError> decode_finality_update(ByteView in, Fork form,
                                                                    std::size_t committee_size) {
    if (form < Fork::kAltair) return unexpected(SszError::kUnsupportedFork);
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    auto fields = split(in, std::array<Part, 5>{header_part(form), header_part(form),
                                                fixed_part(32 * finality_branch_length(form)),
                                                fixed_part(committee_size / 8 + 96), fixed_part(8)});
    if (!fields) return unexpected(fields.error());
    LightClientFinalityUpdate u;
    u.fork = form;
    auto attested = decode_light_client_header((*fields)[0], form);
    if (!attested) return unexpected(attested.error());
    u.attested_header = std::move(*attested);
    auto finalized = decode_light_client_header((*fields)[1], form);
    if (!finalized) return unexpected(finalized.error());
    u.finalized_header = std::move(*finalized);
    u.finality_branch = decode_branch((*fields)[2]);
    u.sync_aggregate = std::move(*decode_sync_aggregate((*fields)[3], committee_size));
    u.signature_slot = load_u64((*fields)[4]);
    return u;
}

Expected<LightClientOptimisticUpdate, SszError> decode_optimistic_update(ByteView in, Fork form,
                                                                        std::size_t committee_size) {
    if (form < Fork::kAltair) return unexpected(SszError::kUnsupportedFork);
    if (!committee_size_ok(committee_size)) return unexpected(SszError::kBadCommitteeSize);
    auto fields =
        split(in, std::array<Part, 3>{header_part(form), fixed_part(committee_size / 8 + 96), fixed_part(8)});
    if (!fields) return unexpected(fields.error());
    LightClientOptimisticUpdate u;
    u.fork = form;
    auto attested = decode_light_client_header((*fields)[0], form);
    if (!attested) return unexpected(attested.error());
    u.attested_header = std::move(*attested);
    u.sync_aggregate = std::move(*decode_sync_aggregate((*fields)[1], committee_size));
    u.signature_slot = load_u64((*fields)[2]);
    return u;
}

// ---- encoding ----

Bytes encode(const BeaconBlockHeader& h) {
    Bytes out;
    out.reserve(kBeaconHeaderSize);
    put_u64(out, h.slot);
    put_u64(out, h.proposer_index);
    put(out, h.parent_root);
    put(out, h.state_root);
    put(out, h.body_root);
    return out;
}

Bytes encode(const ExecutionPayloadHeader& h, Fork form) {
    const bool deneb = form >= Fork::kDeneb;
    const std::size_t fixed_size = 32 + 20 + 32 + 32 + 256 + 32 + 8 * 4 + 4 + 32 * 4 + (deneb ? 16 : 0);
    Bytes out;
    out.reserve(fixed_size + h.extra_data.size());
    put(out, h.parent_hash);
    put(out, h.fee_recipient);
    put(out, h.state_root);
    put(out, h.receipts_root);
    put(out, h.logs_bloom);
    put(out, h.prev_randao);
    put_u64(out, h.block_number);
    put_u64(out, h.gas_limit);
    put_u64(out, h.gas_used);
    put_u64(out, h.timestamp);
    put_u32(out, static_cast<uint32_t>(fixed_size));
    put(out, h.base_fee_per_gas_le);
    put(out, h.block_hash);
    put(out, h.transactions_root);
    put(out, h.withdrawals_root);
    if (deneb) {
        put_u64(out, h.blob_gas_used);
        put_u64(out, h.excess_blob_gas);
    }
    put(out, h.extra_data);
    return out;
}

Bytes encode(const LightClientHeader& h) {
    if (!has_execution(h.fork)) return encode(h.beacon);
    const std::array<Field, 3> fields{Field{encode(h.beacon)}, Field{encode(h.execution, h.fork), true},
                                      Field{encode_branch(h.execution_branch)}};
    return join(fields);
}

Bytes encode(const SyncCommittee& c) {
    Bytes out;
    out.reserve(48 * (c.pubkeys.size() + 1));
    for (const auto& k : c.pubkeys) put(out, k);
    put(out, c.aggregate_pubkey);
    return out;
}

Bytes encode(const SyncAggregate& a) {
    Bytes out = a.bits;
    put(out, a.signature);
    return out;
}

Bytes encode(const LightClientBootstrap& b) {
    const std::array<Field, 3> fields{header_field(b.header), Field{encode(b.current_sync_committee)},
                                      Field{encode_branch(b.current_sync_committee_branch)}};
    return join(fields);
}

Bytes encode(const LightClientUpdate& u) {
    Bytes slot;
    put_u64(slot, u.signature_slot);
    const std::array<Field, 7> fields{header_field(u.attested_header),
                                      Field{encode(u.next_sync_committee)},
                                      Field{encode_branch(u.next_sync_committee_branch)},
                                      header_field(u.finalized_header),
                                      Field{encode_branch(u.finality_branch)},
                                      Field{encode(u.sync_aggregate)},
                                      Field{std::move(slot)}};
    return join(fields);
}

Bytes encode(const LightClientFinalityUpdate& u) {
    Bytes slot;
    put_u64(slot, u.signature_slot);
    const std::array<Field, 5> fields{header_field(u.attested_header), header_field(u.finalized_header),
                                      Field{encode_branch(u.finality_branch)}, Field{encode(u.sync_aggregate)},
                                      Field{std::move(slot)}};
    return join(fields);
}

Bytes encode(const LightClientOptimisticUpdate& u) {
    Bytes slot;
    put_u64(slot, u.signature_slot);
    const std::array<Field, 3> fields{header_field(u.attested_header), Field{encode(u.sync_aggregate)},
                                      Field{std::move(slot)}};
    return join(fields);
}

// ---- hash_tree_root ----

Hash hash_tree_root(const BeaconBlockHeader& h) noexcept {
    const std::array<Hash, 5> chunks{uint64_chunk(h.slot), uint64_chunk(h.proposer_index), h.parent_root,
                                     h.state_root, h.body_root};
    return merkleize(chunks);
}

Hash hash_tree_root(const ExecutionPayloadHeader& h, Fork form) noexcept {
    std::array<Hash, 17> chunks{h.parent_hash,
                                byte_vector_root(h.fee_recipient),
                                h.state_root,
                                h.receipts_root,
                                byte_vector_root(h.logs_bloom),
                                h.prev_randao,
                                uint64_chunk(h.block_number),
                                uint64_chunk(h.gas_limit),
                                uint64_chunk(h.gas_used),
                                uint64_chunk(h.timestamp),
                                byte_list_root(h.extra_data, kMaxExtraDataBytes),
                                h.base_fee_per_gas_le,
                                h.block_hash,
                                h.transactions_root,
                                h.withdrawals_root,
                                uint64_chunk(h.blob_gas_used),
                                uint64_chunk(h.excess_blob_gas)};
    const std::size_t n = form >= Fork::kDeneb ? 17 : 15;
    return merkleize(std::span<const Hash>(chunks.data(), n));
}

Hash hash_tree_root(const LightClientHeader& h) noexcept {
    const Hash beacon = hash_tree_root(h.beacon);
    if (!has_execution(h.fork)) return beacon;  // a one-field container's root is its field's root
    const std::array<Hash, 3> chunks{beacon, hash_tree_root(h.execution, h.fork), branch_root(h.execution_branch)};
    return merkleize(chunks);
}

Hash hash_tree_root(const SyncCommittee& c) noexcept {
    std::vector<Hash> keys(c.pubkeys.size());
    for (std::size_t i = 0; i < keys.size(); ++i) keys[i] = byte_vector_root(c.pubkeys[i]);
    const std::array<Hash, 2> chunks{merkleize(keys), byte_vector_root(c.aggregate_pubkey)};
    return merkleize(chunks);
}

Hash hash_tree_root(const SyncAggregate& a) noexcept {
    // A Bitvector[N] packs like a ByteVector[N / 8] (no length mix-in).
    const std::array<Hash, 2> chunks{byte_vector_root(a.bits), byte_vector_root(a.signature)};
    return merkleize(chunks);
}

Hash hash_tree_root(const LightClientBootstrap& b) noexcept {
    const std::array<Hash, 3> chunks{hash_tree_root(b.header), hash_tree_root(b.current_sync_committee),
                                     branch_root(b.current_sync_committee_branch)};
    return merkleize(chunks);
}

Hash hash_tree_root(const LightClientUpdate& u) noexcept {
    const std::array<Hash, 7> chunks{hash_tree_root(u.attested_header),     hash_tree_root(u.next_sync_committee),
                                     branch_root(u.next_sync_committee_branch), hash_tree_root(u.finalized_header),
                                     branch_root(u.finality_branch),         hash_tree_root(u.sync_aggregate),
                                     uint64_chunk(u.signature_slot)};
    return merkleize(chunks);
}

Hash hash_tree_root(const LightClientFinalityUpdate& u) noexcept {
    const std::array<Hash, 5> chunks{hash_tree_root(u.attested_header), hash_tree_root(u.finalized_header),
                                     branch_root(u.finality_branch), hash_tree_root(u.sync_aggregate),
                                     uint64_chunk(u.signature_slot)};
    return merkleize(chunks);
}

Hash hash_tree_root(const LightClientOptimisticUpdate& u) noexcept {
    const std::array<Hash, 3> chunks{hash_tree_root(u.attested_header), hash_tree_root(u.sync_aggregate),
                                     uint64_chunk(u.signature_slot)};
    return merkleize(chunks);
}

}  // namespace hypasis::ssz
