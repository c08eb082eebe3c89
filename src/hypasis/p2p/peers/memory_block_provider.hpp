#pragma once
/// An in-memory BlockProvider: canonical blocks and receipts held in maps. For tests, benchmarks and the operator
/// tools (serving a chain read from a file); production serves from the BlockStore through the node layer.
///
/// Thread-safety: every method locks one mutex, so blocks may be added while a server reads.
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "hypasis/core/types/block.hpp"
#include "hypasis/core/types/receipt.hpp"
#include "hypasis/p2p/peers/block_provider.hpp"

namespace hypasis::p2p::peers {

class MemoryBlockProvider final : public BlockProvider {
  public:
    /// Adds (or replaces) block `block.header.header.number` as canonical, with its receipts (one list per
    /// transaction; may be empty when receipts are not served). The head becomes the highest block added; the
    /// earliest the lowest. Throws only std::bad_alloc.
    void add(const Block& block, const std::vector<Receipt>& receipts);
    /// Sets the total difficulty reported for eth/68 Status.
    void set_total_difficulty(const U256& td);
    /// Calls made to the provider (any method), for tests of the serving bounds.
    [[nodiscard]] std::size_t calls() const;

    ChainHead head() override;
    std::optional<Bytes> header_rlp(uint64_t block_num) override;
    std::optional<uint64_t> block_number(const Hash& hash) override;
    std::optional<Bytes> body_rlp(const Hash& hash) override;
    std::optional<Bytes> receipts_rlp(const Hash& hash, ReceiptForm form) override;
    std::size_t header_rlps(std::span<const uint64_t> numbers, std::size_t byte_budget,
                            std::vector<Bytes>& out) override;

  private:
    struct Row {
        Hash hash{};
        uint64_t timestamp{0};
        Bytes header;
        Bytes body;
        Bytes receipts_eth68;
        Bytes receipts_slim;
    };
    mutable std::mutex mutex_;
    std::map<uint64_t, Row> by_number_;
    std::map<Hash, uint64_t> by_hash_;
    U256 td_{};
    mutable std::size_t calls_{0};
};

}  // namespace hypasis::p2p::peers
