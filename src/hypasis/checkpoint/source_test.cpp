// Sources: file:, http:/https: against a local server on 127.0.0.1 port 0 started by the test, and multi:.
#include "hypasis/checkpoint/source.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/asio/write.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <fstream>
#include <thread>

#include "hypasis/checkpoint/checkpoint_json.hpp"
#include "hypasis/checkpoint/http_source.hpp"
#include "hypasis/checkpoint/multi_source.hpp"
#include "hypasis/checkpoint/test_keys.hpp"

namespace hypasis::checkpoint {
namespace {

namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
namespace fs = std::filesystem;
using net::ip::tcp;
using namespace std::chrono_literals;

template <class T>
T run(Task<T> task) {
    net::io_context io;
    auto fut = net::co_spawn(io, std::move(task), net::use_future);
    io.run();
    return fut.get();
}

std::string checkpoint_text(const Checkpoint& c) { return boost::json::serialize(checkpoint_to_json(c)); }

std::string http_ok(const std::string& body) {
    return "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\nConnection: close\r\n\r\n" + body;
}

// A one-thread HTTP(S) server on 127.0.0.1, port 0. Each connection: read the request head, then either answer
// with `response` (written in one go, then close) or stall for `stall` without answering.
class TestServer {
  public:
    TestServer(std::string response, std::chrono::milliseconds stall = 0ms, ssl::context* tls = nullptr)
        : response_(std::move(response)),
          stall_(stall),
          tls_(tls),
          acceptor_(io_, {net::ip::make_address("127.0.0.1"), 0}) {
        net::co_spawn(io_, accept_loop(), net::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TestServer() {
        io_.stop();
        thread_.join();
    }
    uint16_t port() const { return acceptor_.local_endpoint().port(); }
    std::string url(const char* scheme = "http") const {
        return std::string(scheme) + "://127.0.0.1:" + std::to_string(port()) + "/checkpoint.json";
    }
    int requests() const { return requests_.load(); }

  private:
    Task<void> accept_loop() {
        for (;;) {
            auto [ec, socket] = co_await acceptor_.async_accept(p2p::kUseTuple);
            if (ec) co_return;
            net::co_spawn(io_, serve(std::move(socket)), net::detached);
        }
    }
    template <class Stream>
    Task<void> answer(Stream& s) {
        std::string head;
        auto [rec, n] = co_await net::async_read_until(s, net::dynamic_buffer(head), "\r\n\r\n", p2p::kUseTuple);
        (void)n;
        if (rec) co_return;
        ++requests_;
        if (stall_ > 0ms) {
            net::steady_timer t(io_);
            t.expires_after(stall_);
            auto [tec] = co_await t.async_wait(p2p::kUseTuple);
            (void)tec;
            co_return;
        }
        auto [wec, w] = co_await net::async_write(s, net::buffer(response_), p2p::kUseTuple);
        (void)wec;
        (void)w;
    }
    Task<void> serve(tcp::socket socket) {
        if (tls_ == nullptr) {
            co_await answer(socket);
            co_return;
        }
        ssl::stream<tcp::socket> s(std::move(socket), *tls_);
        auto [hec] = co_await s.async_handshake(ssl::stream_base::server, p2p::kUseTuple);
        if (hec) co_return;
        co_await answer(s);
    }

    std::string response_;
    std::chrono::milliseconds stall_;
    ssl::context* tls_;
    net::io_context io_;
    tcp::acceptor acceptor_;
    std::thread thread_;
    std::atomic<int> requests_{0};
};

HttpOptions quick(std::chrono::milliseconds timeout = 2000ms, std::size_t cap = 1 << 20) {
    HttpOptions o;
    o.timeout = timeout;
    o.max_body_bytes = cap;
    return o;
}

Expected<Checkpoint, SourceError> http_fetch(const std::string& url, const HttpOptions& o) {
    HttpSource s(url, o);
    return run(s.fetch());
}

Checkpoint signed_checkpoint(uint64_t block_num = 21'000'000) {
    Checkpoint c = testing::sample_checkpoint(1, block_num);
    return testing::sign_ecdsa(c, {0, 1, 2});
}

const ValidatorSet& set3() {
    static const ValidatorSet s = testing::ecdsa_set({U256{1}, U256{1}, U256{1}});
    return s;
}

// ---- http ----

TEST(HttpSource, FetchesACheckpoint) {
    const Checkpoint c = signed_checkpoint();
    TestServer server(http_ok(checkpoint_text(c)));
    const auto r = http_fetch(server.url(), quick());
    ASSERT_TRUE(r.has_value()) << to_string(r.error());
    EXPECT_EQ(*r, c);
}

TEST(HttpSource, SlowServerHitsTheDeadline) {
    TestServer server(http_ok("{}"), 20s);
    const auto start = std::chrono::steady_clock::now();
    const auto r = http_fetch(server.url(), quick(300ms));
    const auto elapsed = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kTimeout) << to_string(r.error());
    EXPECT_NE(to_string(r.error()).find("300 ms"), std::string::npos) << to_string(r.error());
    EXPECT_LT(elapsed, 10s);  // the deadline, not the server's 20 s stall, ended it
    EXPECT_EQ(server.requests(), 1);
}

TEST(HttpSource, OversizedBodyIsCut) {
    const std::string body(64 * 1024, ' ');
    TestServer declared(http_ok(body));
    const auto r = http_fetch(declared.url(), quick(2000ms, 1024));
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kBodyTooLarge) << to_string(r.error());

    // No Content-Length: the body ends at close, and the cap applies while reading.
    TestServer streamed("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + body);
    const auto s = http_fetch(streamed.url(), quick(2000ms, 1024));
    ASSERT_FALSE(s.has_value());
    EXPECT_EQ(s.error().code, SourceErrc::kBodyTooLarge) << to_string(s.error());
}

TEST(HttpSource, MalformedJson) {
    TestServer server(http_ok("{\"chainId\": 1, "));
    const auto r = http_fetch(server.url(), quick());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kMalformed);
    EXPECT_NE(r.error().detail.find("not JSON"), std::string::npos) << r.error().detail;
}

TEST(HttpSource, NonOkStatusAndRefusedConnection) {
    TestServer server("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    const auto r = http_fetch(server.url(), quick());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kHttpStatus);
    EXPECT_NE(r.error().detail.find("404"), std::string::npos);

    uint16_t closed_port = 0;
    {
        net::io_context io;
        tcp::acceptor a(io, {net::ip::make_address("127.0.0.1"), 0});
        closed_port = a.local_endpoint().port();
    }
    const auto c = http_fetch("http://127.0.0.1:" + std::to_string(closed_port) + "/x", quick());
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, SourceErrc::kConnect) << to_string(c.error());

    const auto bad = make_source("ftp://example.org/x", quick(), nullptr);
    ASSERT_FALSE(bad.has_value());
    EXPECT_EQ(bad.error().code, SourceErrc::kBadUri);
}

// A self-signed certificate for 127.0.0.1, made with OpenSSL at test time.
struct SelfSigned {
    std::string cert_pem;
    std::string key_pem;
};

SelfSigned make_self_signed() {
    EVP_PKEY* key = EVP_EC_gen("P-256");
    X509* x = X509_new();
    X509_set_version(x, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
    X509_gmtime_adj(X509_getm_notBefore(x), -3600);
    X509_gmtime_adj(X509_getm_notAfter(x), 3600);
    X509_set_pubkey(x, key);
    X509_NAME* name = X509_get_subject_name(x);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                               0);
    X509_set_issuer_name(x, name);
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, x, x, nullptr, nullptr, 0);
    for (const auto& [nid, value] :
         {std::pair{NID_subject_alt_name, "IP:127.0.0.1"}, std::pair{NID_basic_constraints, "critical,CA:TRUE"}}) {
        X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
        X509_add_ext(x, ext, -1);
        X509_EXTENSION_free(ext);
    }
    EXPECT_GT(X509_sign(x, key, EVP_sha256()), 0);
    SelfSigned out;
    BIO* b = BIO_new(BIO_s_mem());
    PEM_write_bio_X509(b, x);
    char* p = nullptr;
    long n = BIO_get_mem_data(b, &p);
    out.cert_pem.assign(p, static_cast<std::size_t>(n));
    BIO_free(b);
    b = BIO_new(BIO_s_mem());
    PEM_write_bio_PrivateKey(b, key, nullptr, nullptr, 0, nullptr, nullptr);
    n = BIO_get_mem_data(b, &p);
    out.key_pem.assign(p, static_cast<std::size_t>(n));
    BIO_free(b);
    X509_free(x);
    EVP_PKEY_free(key);
    return out;
}

TEST(HttpsSource, SelfSignedServerFailsVerificationAndATrustedOnePasses) {
    const SelfSigned cert = make_self_signed();
    ssl::context server_tls(ssl::context::tls_server);
    server_tls.use_certificate_chain(net::buffer(cert.cert_pem));
    server_tls.use_private_key(net::buffer(cert.key_pem), ssl::context::pem);
    const Checkpoint c = signed_checkpoint();
    TestServer server(http_ok(checkpoint_text(c)), 0ms, &server_tls);

    // The system trust store does not know this certificate.
    const auto r = http_fetch(server.url("https"), quick());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kTls) << to_string(r.error());
    EXPECT_NE(r.error().detail.find("certificate verification failed"), std::string::npos) << r.error().detail;

    // Trusting exactly this certificate: the fetch succeeds, so the failure above was the verification.
    const fs::path ca = fs::temp_directory_path() / ("hypasis-ckpt-ca-" + std::to_string(::getpid()) + ".pem");
    std::ofstream(ca) << cert.cert_pem;
    HttpOptions trusted = quick();
    trusted.ca_file = ca.string();
    const auto ok = http_fetch(server.url("https"), trusted);
    fs::remove(ca);
    ASSERT_TRUE(ok.has_value()) << to_string(ok.error());
    EXPECT_EQ(*ok, c);

    // The right certificate under another name (localhost is not in its SAN) is refused.
    const auto wrong_name =
        http_fetch("https://localhost:" + std::to_string(server.port()) + "/checkpoint.json", trusted);
    ASSERT_FALSE(wrong_name.has_value());
    EXPECT_TRUE(wrong_name.error().code == SourceErrc::kTls || wrong_name.error().code == SourceErrc::kConnect ||
                wrong_name.error().code == SourceErrc::kResolve)
        << to_string(wrong_name.error());
}

// ---- file ----

class TempDir : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("hypasis-ckpt-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }
    std::string file(const std::string& name, const std::string& content) {
        const fs::path p = dir_ / name;
        std::ofstream(p) << content;
        return p.string();
    }
    fs::path dir_;
};

using FileSourceTest = TempDir;

TEST_F(FileSourceTest, ReadsCapsAndReportsErrors) {
    const Checkpoint c = signed_checkpoint();
    const std::string path = file("c.json", checkpoint_text(c));
    auto src = make_source("file:" + path, quick(), nullptr);
    ASSERT_TRUE(src.has_value());
    const auto r = run((*src)->fetch());
    ASSERT_TRUE(r.has_value()) << to_string(r.error());
    EXPECT_EQ(*r, c);

    const auto missing = run(FileSource((dir_ / "nope.json").string(), 1 << 20).fetch());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, SourceErrc::kFileRead);

    const auto capped = FileSource(path, 100).read();
    ASSERT_FALSE(capped);
    EXPECT_EQ(capped.error().code, SourceErrc::kBodyTooLarge);

    const auto malformed = FileSource(file("m.json", "[1,2"), 1 << 20).read();
    ASSERT_FALSE(malformed);
    EXPECT_EQ(malformed.error().code, SourceErrc::kMalformed);
}

// ---- multi ----

using MultiSourceTest = TempDir;

std::unique_ptr<MultiSource> multi(const std::string& uri) {
    auto s = make_source(uri, quick(500ms), &set3());
    EXPECT_TRUE(s.has_value()) << (s ? "" : to_string(s.error()));
    return std::unique_ptr<MultiSource>(static_cast<MultiSource*>(s->release()));
}

TEST_F(MultiSourceTest, QuorumOfSourcesDecidesAndTheMaliciousOneIsReported) {
    const Checkpoint good = signed_checkpoint();
    const Checkpoint evil = signed_checkpoint(21'000'001);  // validly signed, but a different checkpoint
    const std::string a = file("a.json", checkpoint_text(good));
    TestServer b(http_ok(checkpoint_text(good)));
    const std::string e = file("e.json", checkpoint_text(evil));

    auto m = multi("multi:2:file:" + a + "|" + b.url() + "|file:" + e);
    const MultiResult r = run(m->fetch_all());
    ASSERT_TRUE(r.checkpoint.has_value());
    EXPECT_EQ(r.checkpoint->checkpoint.block_num, 21'000'000u);
    EXPECT_EQ(r.agreeing, 2u);
    ASSERT_EQ(r.outcomes.size(), 3u);
    EXPECT_EQ(r.outcomes[0].status, SourceOutcome::Status::kAgreed);
    EXPECT_EQ(r.outcomes[1].status, SourceOutcome::Status::kAgreed);
    EXPECT_EQ(r.outcomes[2].status, SourceOutcome::Status::kDisagreed);
    EXPECT_NE(r.outcomes[2].detail.find("block 21000001"), std::string::npos) << r.outcomes[2].detail;
    EXPECT_EQ(r.outcomes[2].source, "file:" + e);
}

TEST_F(MultiSourceTest, DownAndMaliciousSourcesLeaveNoQuorum) {
    const Checkpoint good = signed_checkpoint();
    const Checkpoint evil = signed_checkpoint(21'000'001);
    const std::string a = file("a.json", checkpoint_text(good));
    const std::string e = file("e.json", checkpoint_text(evil));
    TestServer slow(http_ok(checkpoint_text(good)), 20s);  // down: never answers within the deadline

    auto m = multi("multi:2:file:" + a + "|" + slow.url() + "|file:" + e);
    const auto r = run(m->fetch());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().code, SourceErrc::kNoQuorum);
    const std::string& d = r.error().detail;
    EXPECT_NE(d.find("failed     " + slow.url() + ": timeout"), std::string::npos) << d;
    EXPECT_NE(d.find("disagreed  file:" + e), std::string::npos) << d;

    const MultiResult all = run(m->fetch_all());
    EXPECT_FALSE(all.checkpoint.has_value());
    EXPECT_EQ(all.outcomes[0].status, SourceOutcome::Status::kDisagreed);
    EXPECT_EQ(all.outcomes[1].status, SourceOutcome::Status::kFailed);
}

TEST_F(MultiSourceTest, UnverifiedMemberAndConflict) {
    const Checkpoint good = signed_checkpoint();
    Checkpoint forged = good;
    forged.ecdsa_signatures[2].signature[5] ^= 1;
    const std::string a = file("a.json", checkpoint_text(good));
    const std::string f = file("f.json", checkpoint_text(forged));
    const std::string g = file("g.json", checkpoint_text(good));
    const MultiResult r = run(multi("multi:2:file:" + a + "|file:" + f + "|file:" + g)->fetch_all());
    ASSERT_TRUE(r.checkpoint.has_value());
    EXPECT_EQ(r.outcomes[1].status, SourceOutcome::Status::kUnverified);
    EXPECT_NE(r.outcomes[1].detail.find("ecdsa[2]"), std::string::npos) << r.outcomes[1].detail;

    // K = 1 of 2 with two different verified answers: a conflict, not a pick.
    const std::string e = file("e.json", checkpoint_text(signed_checkpoint(21'000'001)));
    const auto c = run(multi("multi:1:file:" + a + "|file:" + e)->fetch());
    ASSERT_FALSE(c.has_value());
    EXPECT_EQ(c.error().code, SourceErrc::kConflict);
}

TEST(MultiSourceUri, BadForms) {
    for (const char* uri : {"multi:0:file:/a", "multi:3:file:/a|file:/b", "multi:x:file:/a", "multi:file:/a",
                            "multi:1:multi:1:file:/a"}) {
        const auto s = make_source(uri, quick(), &set3());
        ASSERT_FALSE(s.has_value()) << uri;
        EXPECT_EQ(s.error().code, SourceErrc::kBadUri) << uri;
    }
    EXPECT_FALSE(make_source("multi:1:file:/a", quick(), nullptr).has_value());
}

}  // namespace
}  // namespace hypasis::checkpoint
