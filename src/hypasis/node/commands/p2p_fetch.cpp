#include "hypasis/node/commands/p2p_fetch.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <exception>
#include <filesystem>
#include <map>
#include <memory>
#include <utility>
#include <vector>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/core/types/block.hpp"
#include "hypasis/core/validation/body_validation.hpp"
#include "hypasis/p2p/discv4/enode.hpp"
#include "hypasis/p2p/peers/session.hpp"

namespace hypasis::node {
namespace {

namespace asio = boost::asio;
namespace rlpx = p2p::rlpx;

constexpr std::size_t kBodiesPerRequest = 128;
constexpr std::size_t kReceiptsPerRequest = 128;

/// One batch of consecutive blocks, fetched and verified on its own (linkage to the batch before is checked when
/// the batches are put in order).
struct Batch {
    std::vector<SealedHeader> headers;
    std::vector<BlockBody> bodies;
    std::size_t receipts{0};
};

std::string range_text(uint64_t first, uint64_t end) {
    return end == first + 1 ? "block " + std::to_string(first)
                            : "blocks [" + std::to_string(first) + ", " + std::to_string(end) + ")";
}

/// The fetch as a set of coroutines on one executor: `window` workers fetch batches, one writer puts them in order.
class Fetcher {
  public:
    Fetcher(const FetchOptions& opts, const chain::ChainSpec& spec, std::shared_ptr<p2p::peers::EthSession> session,
            std::FILE* sink, ProgressReporter& progress, p2p::Executor ex)
        : opts_(opts),
          spec_(spec),
          session_(std::move(session)),
          sink_(sink),
          progress_(progress),
          wake_(ex, asio::steady_timer::time_point::max()),
          batches_((opts.count + opts.batch - 1) / opts.batch) {}

    /// Runs workers and writer; returns an empty string on success, else the failure (without the prefix).
    p2p::Task<std::string> run() {
        auto ex = co_await asio::this_coro::executor;
        const std::size_t workers = std::min<std::size_t>(opts_.window, batches_);
        for (std::size_t i = 0; i < workers; ++i) {
            ++workers_running_;
            asio::co_spawn(ex, worker(), asio::detached);
        }
        co_await writer();
        while (workers_running_ > 0) co_await wait();  // every worker has a request deadline, so this ends
        co_return error_;
    }

    uint64_t blocks_written() const noexcept { return blocks_; }
    uint64_t bytes_written() const noexcept { return bytes_; }
    uint64_t receipts_checked() const noexcept { return receipts_; }

  private:
    p2p::Task<void> wait() {
        auto [ec] = co_await wake_.async_wait(p2p::kUseTuple);
        (void)ec;  // cancelled by notify()
    }
    void notify() { wake_.cancel(); }
    void fail(std::string what) {
        if (error_.empty()) error_ = std::move(what);
        notify();
    }

    p2p::Task<void> worker() {
        while (error_.empty() && next_ < batches_) {
            if (next_ >= written_ + opts_.window) {
                co_await wait();
                continue;
            }
            const std::size_t b = next_++;
            auto batch = co_await fetch_batch(b);
            if (!batch) {
                fail(batch.error());
                break;
            }
            done_.emplace(b, std::move(*batch));
            notify();
        }
        --workers_running_;
        notify();
    }

    p2p::Task<Expected<Batch, std::string>> fetch_batch(std::size_t b) {
        const uint64_t first = opts_.from + b * opts_.batch;
        const uint64_t n = std::min<uint64_t>(opts_.batch, opts_.count - b * opts_.batch);
        Batch batch;
        batch.headers.reserve(n);
        while (batch.headers.size() < n) {
            const uint64_t next = first + batch.headers.size();
            p2p::peers::HeadersRequest req;
            req.origin = next;
            req.amount = std::min<uint64_t>(n - batch.headers.size(), 1024);
            auto got = co_await session_->get_headers(req);
            if (!got) {
                co_return unexpected(range_text(next, next + req.amount) + ": GetBlockHeaders: " +
                                     got.error().message());
            }
            if (got->empty()) co_return unexpected("block " + std::to_string(next) + ": the peer has no such header");
            for (auto& h : *got) batch.headers.push_back(std::move(h));
        }
        for (std::size_t i = 0; i < batch.headers.size(); ++i) {
            const auto& h = batch.headers[i];
            if (h.header.number != first + i) {  // the session checks this too; a fetch must not depend on it
                co_return unexpected("block " + std::to_string(first + i) + ": the peer sent block " +
                                     std::to_string(h.header.number) + " instead");
            }
            if (i > 0 && h.header.parent_hash != batch.headers[i - 1].hash) {
                co_return unexpected("block " + std::to_string(first + i) + ": its parent hash " +
                                     to_hex(h.header.parent_hash) + " is not block " + std::to_string(first + i - 1) +
                                     "'s hash " + to_hex(batch.headers[i - 1].hash));
            }
        }
        if (opts_.bodies) {
            batch.bodies.reserve(n);
            while (batch.bodies.size() < n) {
                const std::size_t start = batch.bodies.size();
                const std::size_t len = std::min<std::size_t>(n - start, kBodiesPerRequest);
                std::vector<Hash> hashes;
                hashes.reserve(len);
                for (std::size_t i = start; i < start + len; ++i) hashes.push_back(batch.headers[i].hash);
                auto got = co_await session_->get_bodies(std::move(hashes));
                if (!got) {
                    co_return unexpected(range_text(first + start, first + start + len) + ": GetBlockBodies: " +
                                         got.error().message());
                }
                if (got->empty()) {
                    co_return unexpected("block " + std::to_string(first + start) + ": the peer has no body for it");
                }
                for (auto& body : *got) {
                    const std::size_t i = batch.bodies.size();
                    if (auto ok = validation::validate_body(batch.headers[i].header, body); !ok) {
                        co_return unexpected("block " + std::to_string(first + i) + ": body: " +
                                             std::string(validation::to_string(ok.error())));
                    }
                    batch.bodies.push_back(std::move(body));
                }
            }
        }
        if (opts_.receipts) {
            std::size_t checked = 0;
            while (checked < n) {
                const std::size_t len = std::min<std::size_t>(n - checked, kReceiptsPerRequest);
                std::vector<Hash> hashes;
                hashes.reserve(len);
                for (std::size_t i = checked; i < checked + len; ++i) hashes.push_back(batch.headers[i].hash);
                auto got = co_await session_->get_receipts(std::move(hashes));
                if (!got) {
                    co_return unexpected(range_text(first + checked, first + checked + len) + ": GetReceipts: " +
                                         got.error().message());
                }
                if (got->empty()) {
                    co_return unexpected("block " + std::to_string(first + checked) +
                                         ": the peer has no receipts for it");
                }
                for (const auto& list : *got) {
                    if (auto ok = validation::validate_receipts(batch.headers[checked].header, list); !ok) {
                        co_return unexpected("block " + std::to_string(first + checked) + ": receipts: " +
                                             std::string(validation::to_string(ok.error())));
                    }
                    ++checked;
                }
            }
            batch.receipts = checked;
        }
        co_return batch;
    }

    p2p::Task<void> writer() {
        Bytes rlp;
        while (error_.empty() && written_ < batches_) {
            auto it = done_.find(written_);
            if (it == done_.end()) {
                co_await wait();
                continue;
            }
            Batch batch = std::move(it->second);
            done_.erase(it);
            const SealedHeader& head = batch.headers.front();
            if (head.header.number == 0 && head.hash != spec_.genesis_hash) {
                fail("block 0 is " + to_hex(head.hash) + ", not the chain's genesis " + to_hex(spec_.genesis_hash));
                break;
            }
            if (last_hash_ && head.header.parent_hash != *last_hash_) {
                fail("block " + std::to_string(head.header.number) + ": its parent hash " +
                     to_hex(head.header.parent_hash) + " is not block " + std::to_string(head.header.number - 1) +
                     "'s hash " + to_hex(*last_hash_));
                break;
            }
            const Hash tail = batch.headers.back().hash;
            for (std::size_t i = 0; i < batch.headers.size(); ++i) {
                std::size_t size = batch.headers[i].rlp.size();
                if (opts_.bodies) {
                    rlp.clear();
                    encode_to(rlp, Block{std::move(batch.headers[i]), std::move(batch.bodies[i])});
                    size = rlp.size();
                    if (sink_ != nullptr && std::fwrite(rlp.data(), 1, rlp.size(), sink_) != rlp.size()) {
                        fail("cannot write block " + std::to_string(opts_.from + blocks_) + ": " +
                             std::strerror(errno));
                        co_return;
                    }
                }
                ++blocks_;
                bytes_ += size;
            }
            last_hash_ = tail;
            receipts_ += batch.receipts;
            ++written_;
            progress_.update(blocks_, bytes_, opts_.from + blocks_ - 1);
            notify();
        }
    }

    const FetchOptions& opts_;
    const chain::ChainSpec& spec_;
    std::shared_ptr<p2p::peers::EthSession> session_;
    std::FILE* sink_;
    ProgressReporter& progress_;
    asio::steady_timer wake_;
    const std::size_t batches_;
    std::size_t next_{0};
    std::size_t written_{0};
    std::size_t workers_running_{0};
    std::map<std::size_t, Batch> done_;
    std::optional<Hash> last_hash_;
    std::string error_;
    uint64_t blocks_{0};
    uint64_t bytes_{0};
    uint64_t receipts_{0};
};

// Makes a rename durable: fsync of the directory that holds the new name.
bool sync_parent_dir(const std::filesystem::path& file) {
    std::filesystem::path dir = file.parent_path();
    if (dir.empty()) dir = ".";
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

struct FetchResult {
    int exit_code{1};
};

// Arguments by reference: they live in run_p2p_fetch's frame, which outlives the io_context run.
p2p::Task<FetchResult> fetch_task(p2p::Executor ex, const FetchOptions& opts, const chain::ChainSpec& spec,
                                  const p2p::discv4::Enode& node, const crypto::SecretKey& key, std::FILE* sink,
                                  std::FILE* err) {
    FetchResult result;
    const std::string who = p2p::discv4::format_enode(node);
    const uint64_t genesis_time = spec.genesis_header ? spec.genesis_header->timestamp : 0;

    p2p::peers::DialConfig dc;
    dc.node_key = key;
    dc.client_id = "hypasis-p2p-tool";
    if (opts.eth_version) dc.versions = {static_cast<p2p::eth::EthVersion>(*opts.eth_version)};
    dc.session.chain = p2p::eth::LocalChainView::from_spec(spec, 0, genesis_time);
    dc.session.status_timeout = opts.tool.timeout;
    dc.session.request_timeout = opts.tool.timeout;
    dc.connection.handshake_timeout = opts.tool.timeout;

    const auto dial_start = p2p::Clock::now();
    auto session = co_await p2p::peers::dial_session(ex, node, std::move(dc));
    if (!session) {
        std::fprintf(err, "hypasis: p2p fetch: %s: connecting: %s\n", who.c_str(), session.error().message().c_str());
        co_return result;
    }
    const std::chrono::duration<double, std::milli> dial_ms = p2p::Clock::now() - dial_start;
    const auto info = (*session)->info();
    const auto& remote = (*session)->remote_status();
    std::fprintf(err, "hypasis: p2p fetch: connected to \"%s\" over eth/%u in %.1f ms", info.client_id.c_str(),
                 static_cast<unsigned>((*session)->version()), dial_ms.count());
    if ((*session)->version() == p2p::eth::EthVersion::kEth69) {
        std::fprintf(err, "; it serves [%llu, %llu]", static_cast<unsigned long long>(remote.earliest),
                     static_cast<unsigned long long>(remote.latest));
    }
    std::fprintf(err, "\n");
    if (opts.from > 0) {
        std::fprintf(err, "hypasis: p2p fetch: note: block %llu is trusted as the peer sent it (nothing local "
                          "anchors a fetch that does not start at genesis)\n",
                     static_cast<unsigned long long>(opts.from));
    }

    ProgressReporter progress(err, opts.progress.value_or(detect_progress_mode(err)), "p2p fetch");
    Fetcher fetcher(opts, spec, *session, sink, progress, ex);
    const std::string failure = co_await fetcher.run();
    (*session)->close(rlpx::DisconnectReason::kClientQuitting);
    co_await (*session)->wait_closed();
    if (!failure.empty()) {
        progress.clear_line();
        std::fprintf(err, "hypasis: p2p fetch: %s: %s\n", who.c_str(), failure.c_str());
        co_return result;
    }
    std::string prefix;
    if (opts.receipts) prefix = std::to_string(fetcher.receipts_checked()) + " receipt lists verified; ";
    if (!opts.bodies) prefix += "headers only: ";
    progress.finish(prefix);
    result.exit_code = 0;
    co_return result;
}

}  // namespace

int run_p2p_fetch(const FetchOptions& opts, std::FILE* out, std::FILE* err) {
    const chain::ChainSpec spec = resolve_chain_options(opts.chain);
    if (!opts.out.empty() && !opts.bodies) {
        std::fprintf(err, "hypasis: p2p fetch: --out needs --bodies: a chain file holds whole blocks, and a header "
                          "with an empty body is a valid block only when the header commits to an empty body\n");
        return 1;
    }
    if (opts.count == 0) {
        std::fprintf(err, "hypasis: p2p fetch: --count must be at least 1\n");
        return 1;
    }
    if (opts.from + opts.count < opts.from) {
        std::fprintf(err, "hypasis: p2p fetch: --from + --count overflows\n");
        return 1;
    }
    if (opts.batch == 0 || opts.batch > 1024 || opts.window == 0) {
        std::fprintf(err, "hypasis: p2p fetch: the batch must be 1..1024 headers and the window at least 1\n");
        return 1;
    }
    auto node = p2p::discv4::parse_enode(opts.tool.enode);
    if (!node) {
        std::fprintf(err, "hypasis: p2p fetch: %s: %s\n", opts.tool.enode.c_str(),
                     std::string(p2p::discv4::to_string(node.error())).c_str());
        return 1;
    }
    auto key = tool_node_key(opts.tool.nodekey);
    if (!key) {
        std::fprintf(err, "hypasis: p2p fetch: %s\n", key.error().c_str());
        return 1;
    }

    std::FILE* sink = nullptr;
    std::filesystem::path tmp;
    if (opts.out == "-") {
        sink = out;
    } else if (!opts.out.empty()) {
        tmp = opts.out + ".tmp";
        sink = std::fopen(tmp.c_str(), "wb");
        if (sink == nullptr) {
            std::fprintf(err, "hypasis: p2p fetch: cannot create %s: %s\n", tmp.c_str(), std::strerror(errno));
            return 1;
        }
    }

    asio::io_context ioc(1);
    std::optional<FetchResult> result;
    std::exception_ptr failure;
    asio::co_spawn(ioc, fetch_task(ioc.get_executor(), opts, spec, *node, *key, sink, err),
                   [&](std::exception_ptr e, FetchResult r) {
                       if (e) failure = e;
                       else result = r;
                   });
    ioc.run();
    if (failure) {
        if (!tmp.empty()) {
            std::fclose(sink);
            std::filesystem::remove(tmp);
        }
        std::rethrow_exception(failure);
    }
    int code = result ? result->exit_code : 1;
    if (!tmp.empty()) {
        bool ok = code == 0 && std::fflush(sink) == 0 && ::fsync(::fileno(sink)) == 0;
        const int write_err = errno;
        ok = std::fclose(sink) == 0 && ok;
        std::error_code ec;
        if (ok) std::filesystem::rename(tmp, opts.out, ec);
        if (!ok || ec) {
            std::filesystem::remove(tmp, ec);
            if (code == 0) {
                std::fprintf(err, "hypasis: p2p fetch: cannot write %s: %s\n", opts.out.c_str(),
                             std::strerror(write_err));
                code = 1;
            }
        } else {
            sync_parent_dir(opts.out);
        }
    } else if (sink == out && sink != nullptr && std::fflush(out) != 0) {
        std::fprintf(err, "hypasis: p2p fetch: cannot write to stdout: %s\n", std::strerror(errno));
        code = 1;
    }
    return code;
}

void add_p2p_fetch_command(CLI::App& p2p, int& exit_code) {
    auto opts = std::make_shared<FetchOptions>();
    auto* cmd = p2p.add_subcommand("fetch", "Download and verify blocks from one node; write a geth-style chain file");
    cmd->add_option("ENODE", opts->tool.enode, "The node: enode://<id>@<ip>:<port>")->required();
    add_chain_options(*cmd, opts->chain, true);
    cmd->add_option("--from", opts->from, "First block")->capture_default_str();
    cmd->add_option("--count", opts->count, "Number of blocks")->required();
    cmd->add_flag("--bodies", opts->bodies, "Fetch bodies and verify them against the headers' roots");
    cmd->add_flag("--receipts", opts->receipts, "Fetch receipts and verify them against the headers (not written)");
    cmd->add_option("--out", opts->out, "Chain file to write (needs --bodies); - for stdout");
    cmd->add_option_function<unsigned>(
           "--eth", [opts](unsigned v) { opts->eth_version = v; }, "Offer only this eth version (68 or 69)")
        ->check(CLI::IsMember({68u, 69u}));
    cmd->add_option("--window", opts->window, "Batches in flight")->capture_default_str()->check(CLI::Range(1, 64));
    cmd->add_option("--batch", opts->batch, "Headers per batch (at most 1024)")->capture_default_str()
        ->check(CLI::Range(1, 1024));
    cmd->add_option("--nodekey", opts->tool.nodekey, "Our node key file (64 hex digits); default: a fresh random key");
    cmd->add_option_function<unsigned>(
           "--timeout", [opts](unsigned ms) { opts->tool.timeout = std::chrono::milliseconds(ms); },
           "Deadline of the handshake and of each request, in milliseconds (default 5000)")
        ->check(CLI::Range(1u, 600'000u));
    auto quiet = std::make_shared<bool>(false);
    cmd->add_flag("--quiet", *quiet, "Print only the summary");
    cmd->callback([opts, quiet, &exit_code] {
        if (*quiet) opts->progress = ProgressMode::kQuiet;
        exit_code = run_p2p_fetch(*opts, stdout, stderr);
    });
}

}  // namespace hypasis::node
