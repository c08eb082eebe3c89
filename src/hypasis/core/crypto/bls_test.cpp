#include "hypasis/core/crypto/bls.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "hypasis/core/common/hex.hpp"
#include "hypasis/test_util/fixtures.hpp"

namespace hypasis::crypto {

// Lets GoogleTest print the error's name rather than its bytes.
void PrintTo(BlsError e, std::ostream* os) { *os << to_string(e); }

namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

constexpr const char* kVectors = "bls12-381-tests-v0.1.1/";

Bytes hex(const json::value& v) {
    auto b = from_hex(std::string(v.as_string()));
    EXPECT_TRUE(b.has_value()) << "bad hex in vector: " << v;
    return b.value_or(Bytes{});
}

// Runs `check` on every *.json file of one vector folder (sorted, for stable output) and returns how many ran.
int for_each_vector(const fs::path& dir, const std::function<void(const std::string&, const json::object&)>& check) {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir)) {
        if (entry.path().extension() == ".json") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    int count = 0;
    for (const auto& file : files) {
        SCOPED_TRACE(file.filename().string());
        const json::value doc = test::read_json(file);
        check(file.filename().string(), doc.as_object());
        ++count;
    }
    return count;
}

// The error of a result, or nullopt when it succeeded (so that a wrong success fails the comparison cleanly).
template <class R>
std::optional<BlsError> err(const R& r) {
    if (r.has_value()) return std::nullopt;
    return r.error();
}

bool contains(const std::string& s, std::string_view what) { return s.find(what) != std::string::npos; }

// Parses a list of compressed keys; nullopt (with the first error) if any fails.
Expected<std::vector<BlsPublicKey>, BlsError> parse_keys(const json::array& arr) {
    std::vector<BlsPublicKey> keys;
    for (const auto& v : arr) {
        auto k = BlsPublicKey::parse(hex(v));
        if (!k) return unexpected(k.error());
        keys.push_back(*k);
    }
    return keys;
}

// Big-endian 32 bytes of a decimal number below 2^256 (EIP-2333 writes its keys in decimal).
FixedBytes<32> decimal_to_be32(std::string_view dec) {
    FixedBytes<32> be{};
    for (char c : dec) {
        unsigned carry = static_cast<unsigned>(c - '0');
        for (int i = 31; i >= 0; --i) {
            const unsigned v = be[static_cast<std::size_t>(i)] * 10u + carry;
            be[static_cast<std::size_t>(i)] = static_cast<uint8_t>(v & 0xff);
            carry = v >> 8;
        }
    }
    return be;
}

// r - x for the BLS12-381 group order r (big-endian), to build the negation of a key.
FixedBytes<32> order_minus(const FixedBytes<32>& x) {
    const auto r = *fixed_from_hex<32>("0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001");
    FixedBytes<32> out{};
    int borrow = 0;
    for (int i = 31; i >= 0; --i) {
        const auto k = static_cast<std::size_t>(i);
        const int d = r[k] - x[k] - borrow;
        out[k] = static_cast<uint8_t>(d & 0xff);
        borrow = d < 0 ? 1 : 0;
    }
    return out;
}

BlsSecretKey key_from_seed(uint8_t seed) {
    Bytes ikm(32, seed);
    return *bls_keygen(ikm);
}

// --- The ethereum/bls12-381-tests vectors, every file of every category ------------------------------------------

TEST(BlsVectors, Sign) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "sign");
    const int n = for_each_vector(dir, [](const std::string&, const json::object& v) {
        const auto& in = v.at("input").as_object();
        const Bytes message = hex(in.at("message"));
        auto sk = BlsSecretKey::from_bytes(hex(in.at("privkey")));
        if (v.at("output").is_null()) {
            ASSERT_FALSE(sk.has_value());
            EXPECT_EQ(err(sk), BlsError::kInvalidSecretKey);
            return;
        }
        ASSERT_TRUE(sk.has_value());
        const BlsSignature sig = bls_sign(*sk, message);
        EXPECT_EQ(to_hex(sig.serialize()), std::string(v.at("output").as_string()));
        EXPECT_TRUE(bls_verify(bls_sk_to_pk(*sk), message, sig).has_value());
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, Verify) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "verify");
    const int n = for_each_vector(dir, [](const std::string& name, const json::object& v) {
        const auto& in = v.at("input").as_object();
        const bool expected = v.at("output").as_bool();
        auto pk = BlsPublicKey::parse(hex(in.at("pubkey")));
        auto sig = BlsSignature::parse(hex(in.at("signature")));
        Expected<void, BlsError> result = unexpected(BlsError::kEmptyInput);
        if (!pk) {
            result = unexpected(pk.error());
        } else if (!sig) {
            result = unexpected(sig.error());
        } else {
            result = bls_verify(*pk, hex(in.at("message")), *sig);
        }
        EXPECT_EQ(result.has_value(), expected);
        if (contains(name, "infinity_pubkey")) {
            EXPECT_EQ(err(result), BlsError::kInfinityPublicKey);
        }
        if (contains(name, "wrong_pubkey")) {
            EXPECT_EQ(err(result), BlsError::kVerificationFailed);
        }
        if (contains(name, "tampered")) {
            EXPECT_FALSE(result.has_value());
        }
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, Aggregate) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "aggregate");
    const int n = for_each_vector(dir, [](const std::string&, const json::object& v) {
        std::vector<BlsSignature> sigs;
        for (const auto& s : v.at("input").as_array()) {
            auto sig = BlsSignature::parse(hex(s));
            ASSERT_TRUE(sig.has_value()) << to_string(sig.error());
            sigs.push_back(*sig);
        }
        auto agg = bls_aggregate_signatures(sigs);
        if (v.at("output").is_null()) {
            ASSERT_FALSE(agg.has_value());
            EXPECT_EQ(err(agg), BlsError::kEmptyInput);
            return;
        }
        ASSERT_TRUE(agg.has_value());
        EXPECT_EQ(to_hex(agg->serialize()), std::string(v.at("output").as_string()));
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, AggregateVerify) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "aggregate_verify");
    const int n = for_each_vector(dir, [](const std::string& name, const json::object& v) {
        const auto& in = v.at("input").as_object();
        const bool expected = v.at("output").as_bool();
        std::vector<Bytes> messages;
        for (const auto& m : in.at("messages").as_array()) messages.push_back(hex(m));
        std::vector<ByteView> views(messages.begin(), messages.end());
        auto keys = parse_keys(in.at("pubkeys").as_array());
        auto sig = BlsSignature::parse(hex(in.at("signature")));
        Expected<void, BlsError> result = unexpected(BlsError::kEmptyInput);
        if (!keys) {
            result = unexpected(keys.error());
        } else if (!sig) {
            result = unexpected(sig.error());
        } else {
            result = bls_aggregate_verify(*keys, views, *sig);
        }
        EXPECT_EQ(result.has_value(), expected);
        if (contains(name, "infinity_pubkey")) {
            EXPECT_EQ(err(result), BlsError::kInfinityPublicKey);
        }
        if (contains(name, "na_pubkeys_and_infinity_signature")) {
            EXPECT_EQ(err(result), BlsError::kEmptyInput);
        }
        if (contains(name, "na_pubkeys_and_na_signature")) {
            EXPECT_FALSE(result.has_value());
        }
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, FastAggregateVerify) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "fast_aggregate_verify");
    const int n = for_each_vector(dir, [](const std::string& name, const json::object& v) {
        const auto& in = v.at("input").as_object();
        const bool expected = v.at("output").as_bool();
        const Bytes message = hex(in.at("message"));
        auto keys = parse_keys(in.at("pubkeys").as_array());
        auto sig = BlsSignature::parse(hex(in.at("signature")));
        Expected<void, BlsError> result = unexpected(BlsError::kEmptyInput);
        if (!keys) {
            result = unexpected(keys.error());
        } else if (!sig) {
            result = unexpected(sig.error());
        } else {
            result = bls_fast_aggregate_verify(*keys, message, *sig);
            // The pointer overload must agree.
            std::vector<const BlsPublicKey*> ptrs;
            for (const auto& k : *keys) ptrs.push_back(&k);
            const auto by_pointer =
                bls_fast_aggregate_verify(std::span<const BlsPublicKey* const>(ptrs), message, *sig);
            EXPECT_EQ(by_pointer.has_value(), result.has_value());
        }
        EXPECT_EQ(result.has_value(), expected);
        if (contains(name, "infinity_pubkey")) {
            EXPECT_EQ(err(result), BlsError::kInfinityPublicKey);
        }
        if (contains(name, "na_pubkeys_and_infinity_signature")) {
            EXPECT_EQ(err(result), BlsError::kEmptyInput);
        }
        if (contains(name, "extra_pubkey")) {
            EXPECT_EQ(err(result), BlsError::kVerificationFailed);
        }
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, BatchVerify) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "batch_verify");
    const int n = for_each_vector(dir, [](const std::string&, const json::object& v) {
        const auto& in = v.at("input").as_object();
        const bool expected = v.at("output").as_bool();
        auto keys = parse_keys(in.at("pubkeys").as_array());
        ASSERT_TRUE(keys.has_value());
        std::vector<Bytes> messages;
        for (const auto& m : in.at("messages").as_array()) messages.push_back(hex(m));
        std::vector<BlsSignature> sigs;
        for (const auto& s : in.at("signatures").as_array()) {
            auto sig = BlsSignature::parse(hex(s));
            ASSERT_TRUE(sig.has_value());
            sigs.push_back(*sig);
        }
        ASSERT_EQ(keys->size(), messages.size());
        ASSERT_EQ(keys->size(), sigs.size());
        std::vector<BlsSignatureSet> sets;
        for (std::size_t i = 0; i < sigs.size(); ++i) sets.push_back({&(*keys)[i], messages[i], &sigs[i]});
        // Random scalars differ per call: run it a few times, the answer must not change.
        for (int rep = 0; rep < 3; ++rep) {
            const auto result = bls_batch_verify(sets);
            EXPECT_EQ(result.has_value(), expected);
            if (!expected) {
                EXPECT_EQ(err(result), BlsError::kVerificationFailed);
            }
        }
        // Cross-check against verifying each set alone.
        bool all = true;
        for (const auto& s : sets) all = all && bls_verify(*s.public_key, s.message, *s.signature).has_value();
        EXPECT_EQ(all, expected);
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, HashToG2) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "hash_to_G2");
    // These are RFC 9380's own vectors (Appendix J.10.1), which use the test suite's tag, not Ethereum's.
    const std::string_view dst = "QUUX-V01-CS02-with-BLS12381G2_XMD:SHA-256_SSWU_RO_";
    const int n = for_each_vector(dir, [&](const std::string&, const json::object& v) {
        const std::string msg(v.at("input").as_object().at("msg").as_string());
        const auto& out = v.at("output").as_object();
        const std::string x(out.at("x").as_string());
        const std::string y(out.at("y").as_string());
        const auto comma_x = x.find(','), comma_y = y.find(',');
        ASSERT_NE(comma_x, std::string::npos);
        ASSERT_NE(comma_y, std::string::npos);
        const BlsG2Coordinates p = bls_hash_to_g2(as_bytes(msg), as_bytes(dst));
        EXPECT_EQ(to_hex(p.x_c0), x.substr(0, comma_x));
        EXPECT_EQ(to_hex(p.x_c1), x.substr(comma_x + 1));
        EXPECT_EQ(to_hex(p.y_c0), y.substr(0, comma_y));
        EXPECT_EQ(to_hex(p.y_c1), y.substr(comma_y + 1));
        // A different tag gives a different point.
        EXPECT_NE(bls_hash_to_g2(as_bytes(msg), as_bytes(kBlsPopDst)), p);
    });
    EXPECT_GT(n, 0);
}

// The deserialization vectors test point decoding alone (pubkey_to_point / signature_to_point plus the subgroup
// check). The identity decodes fine there; as a public key, KeyValidate then rejects it with its own typed error,
// so "deserializes" means parse() succeeded or failed only with kInfinityPublicKey.
TEST(BlsVectors, DeserializationG1) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "deserialization_G1");
    const int n = for_each_vector(dir, [](const std::string& name, const json::object& v) {
        const bool expected = v.at("output").as_bool();
        const auto bytes = from_hex(std::string(v.at("input").as_object().at("pubkey").as_string()));
        ASSERT_TRUE(bytes.has_value());
        const auto pk = BlsPublicKey::parse(*bytes);
        const bool decoded = pk.has_value() || pk.error() == BlsError::kInfinityPublicKey;
        EXPECT_EQ(decoded, expected) << (pk ? "ok" : to_string(pk.error()));
        if (pk) {
            EXPECT_EQ(pk->serialize(), to_fixed<48>(*bytes));  // canonical encodings round-trip
        }
        if (contains(name, "not_in_G1")) {
            EXPECT_EQ(err(pk), BlsError::kNotInGroup);
        }
        if (contains(name, "not_in_curve")) {
            EXPECT_EQ(err(pk), BlsError::kNotOnCurve);
        }
        if (contains(name, "bytes") || contains(name, "b_flag_and") || contains(name, "c_flag") ||
            contains(name, "modulus") || contains(name, "infinity_with_true_b_flag")) {
            if (!expected) {
                EXPECT_EQ(err(pk), BlsError::kBadEncoding);
            }
        }
    });
    EXPECT_GT(n, 0);
}

TEST(BlsVectors, DeserializationG2) {
    HYPASIS_FIXTURE_OR_SKIP(dir, std::string(kVectors) + "deserialization_G2");
    const int n = for_each_vector(dir, [](const std::string& name, const json::object& v) {
        const bool expected = v.at("output").as_bool();
        const auto bytes = from_hex(std::string(v.at("input").as_object().at("signature").as_string()));
        ASSERT_TRUE(bytes.has_value());
        const auto sig = BlsSignature::parse(*bytes);
        EXPECT_EQ(sig.has_value(), expected) << (sig ? "ok" : to_string(sig.error()));
        if (sig) {
            EXPECT_EQ(sig->serialize(), to_fixed<96>(*bytes));
        }
        if (sig && contains(name, "infinity_with_true_b_flag")) {
            EXPECT_TRUE(sig->is_infinity());
        }
        if (contains(name, "not_in_G2")) {
            EXPECT_EQ(err(sig), BlsError::kNotInGroup);
        }
        if (contains(name, "not_in_curve")) {
            EXPECT_EQ(err(sig), BlsError::kNotOnCurve);
        }
        if (contains(name, "bytes") || contains(name, "b_flag_and") || contains(name, "c_flag") ||
            contains(name, "modulus") || contains(name, "infinity_with_true_b_flag")) {
            if (!expected) {
                EXPECT_EQ(err(sig), BlsError::kBadEncoding);
            }
        }
    });
    EXPECT_GT(n, 0);
}

// --- Hand-written checks -----------------------------------------------------------------------------------------

// EIP-2333's test cases: master_SK = HKDF_mod_r(seed), which the EIP states is the IETF draft's KeyGen.
TEST(Bls, KeygenMatchesEip2333MasterKeys) {
    const struct {
        const char* seed;
        const char* master_sk;
    } cases[] = {
        {"0xc55257c360c07c72029aebc1b53c05ed0362ada38ead3e3e9efa3708e53495531f09a6987599d18264c1e1c92f2cf141630c7a3c4ab"
         "7c81b2f001698e7463b04",
         "6083874454709270928345386274498605044986640685124978867557563392430687146096"},
        {"0x3141592653589793238462643383279502884197169399375105820974944592",
         "29757020647961307431480504535336562678282505419141012933316116377660817309383"},
        {"0x0099FF991111002299DD7744EE3355BBDD8844115566CC55663355668888CC00",
         "27580842291869792442942448775674722299803720648445448686099262467207037398656"},
        {"0xd4e56740f876aef8c010b86a40d5f56745a118d0906a34e69aec8c0db1cb8fa3",
         "19022158461524446591288038168518313374041767046816487870552872741050760015818"},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.master_sk);
        const auto sk = bls_keygen(*from_hex(c.seed));
        ASSERT_TRUE(sk.has_value());
        EXPECT_EQ(sk->to_bytes(), decimal_to_be32(c.master_sk));
    }
    EXPECT_EQ(err(bls_keygen(Bytes(31, 7))), BlsError::kShortKeyMaterial);
    // key_info takes part in the derivation.
    EXPECT_NE(bls_keygen(Bytes(32, 7), as_bytes("info"))->to_bytes(), bls_keygen(Bytes(32, 7))->to_bytes());
}

TEST(Bls, SecretKeyRange) {
    const FixedBytes<32> zero{};
    EXPECT_EQ(err(BlsSecretKey::from_bytes(zero)), BlsError::kInvalidSecretKey);
    const FixedBytes<32> r = order_minus(zero);  // r itself
    EXPECT_EQ(err(BlsSecretKey::from_bytes(r)), BlsError::kInvalidSecretKey);
    FixedBytes<32> one{};
    one[31] = 1;
    const FixedBytes<32> r_minus_1 = order_minus(one);
    ASSERT_TRUE(BlsSecretKey::from_bytes(r_minus_1).has_value());
    EXPECT_EQ(BlsSecretKey::from_bytes(r_minus_1)->to_bytes(), r_minus_1);
    EXPECT_EQ(err(BlsSecretKey::from_bytes(Bytes(31, 1))), BlsError::kInvalidSecretKey);
    EXPECT_EQ(err(BlsSecretKey::from_bytes(Bytes(33, 1))), BlsError::kInvalidSecretKey);
    // Copies are independent values.
    const BlsSecretKey a = key_from_seed(1);
    BlsSecretKey b = key_from_seed(2);
    b = a;
    EXPECT_EQ(b.to_bytes(), a.to_bytes());
}

TEST(Bls, SignVerifyRoundTripAndNegatives) {
    const BlsSecretKey sk = key_from_seed(0x42);
    const BlsPublicKey pk = bls_sk_to_pk(sk);
    const auto reparsed = BlsPublicKey::parse(pk.serialize());
    ASSERT_TRUE(reparsed.has_value());
    EXPECT_EQ(*reparsed, pk);
    const BlsSignature sig = bls_sign(sk, as_bytes("checkpoint"));
    EXPECT_EQ(*BlsSignature::parse(sig.serialize()), sig);
    EXPECT_FALSE(sig.is_infinity());
    EXPECT_TRUE(bls_verify(pk, as_bytes("checkpoint"), sig).has_value());
    EXPECT_EQ(err(bls_verify(pk, as_bytes("checkpoinT"), sig)), BlsError::kVerificationFailed);
    EXPECT_EQ(err(bls_verify(bls_sk_to_pk(key_from_seed(0x43)), as_bytes("checkpoint"), sig)),
              BlsError::kVerificationFailed);
    // The identity signature parses but never verifies.
    Bytes inf(96, 0);
    inf[0] = 0xc0;
    const auto inf_sig = BlsSignature::parse(inf);
    ASSERT_TRUE(inf_sig.has_value());
    EXPECT_TRUE(inf_sig->is_infinity());
    EXPECT_EQ(err(bls_verify(pk, as_bytes("checkpoint"), *inf_sig)), BlsError::kVerificationFailed);
}

TEST(Bls, MalformedEncodingsGetTypedErrors) {
    const BlsPublicKey pk = bls_sk_to_pk(key_from_seed(9));
    const auto good = pk.serialize();
    EXPECT_EQ(err(BlsPublicKey::parse(ByteView(good).first(47))), BlsError::kBadEncoding);
    EXPECT_EQ(err(BlsPublicKey::parse({})), BlsError::kBadEncoding);
    auto uncompressed_flag = good;
    uncompressed_flag[0] &= 0x7f;  // compression bit cleared: a 48-byte input must be compressed
    EXPECT_EQ(err(BlsPublicKey::parse(uncompressed_flag)), BlsError::kBadEncoding);
    Bytes inf(48, 0);
    inf[0] = 0xc0;
    EXPECT_EQ(err(BlsPublicKey::parse(inf)), BlsError::kInfinityPublicKey);
    // A signature's bytes are not a key and vice versa.
    const auto sig = bls_sign(key_from_seed(9), as_bytes("m")).serialize();
    EXPECT_EQ(err(BlsPublicKey::parse(sig)), BlsError::kBadEncoding);
    EXPECT_EQ(err(BlsSignature::parse(good)), BlsError::kBadEncoding);
    // Flipping bits of x almost always leaves the curve (or the subgroup): never a crash, always a typed error.
    int rejected = 0;
    for (std::size_t i = 1; i < 48; ++i) {
        auto bad = good;
        bad[i] ^= 0x01;
        const auto r = BlsPublicKey::parse(bad);
        if (!r) {
            ++rejected;
            EXPECT_TRUE(r.error() == BlsError::kNotOnCurve || r.error() == BlsError::kNotInGroup ||
                        r.error() == BlsError::kBadEncoding);
        }
    }
    EXPECT_GT(rejected, 30);
}

TEST(Bls, FastAggregateVerifyOverManyKeys) {
    const Bytes msg = Bytes(32, 0xab);
    std::vector<BlsPublicKey> keys;
    std::vector<BlsSignature> sigs;
    // More than 512 keys, so that the chunked key summation runs more than one chunk.
    for (int i = 0; i < 520; ++i) {
        Bytes ikm(32, 0);
        ikm[0] = static_cast<uint8_t>(i);
        ikm[1] = static_cast<uint8_t>(i >> 8);
        const BlsSecretKey sk = *bls_keygen(ikm);
        keys.push_back(bls_sk_to_pk(sk));
        sigs.push_back(bls_sign(sk, msg));
    }
    const BlsSignature agg_all = *bls_aggregate_signatures(sigs);
    EXPECT_TRUE(bls_fast_aggregate_verify(keys, msg, agg_all).has_value());
    std::vector<const BlsPublicKey*> ptrs;
    for (const auto& k : keys) ptrs.push_back(&k);
    EXPECT_TRUE(bls_fast_aggregate_verify(std::span<const BlsPublicKey* const>(ptrs), msg, agg_all).has_value());
    EXPECT_TRUE(bls_verify(*bls_aggregate_public_keys(keys), msg, agg_all).has_value());
    // One signer missing from the key set (the last one, in the second chunk).
    EXPECT_EQ(err(bls_fast_aggregate_verify(std::span<const BlsPublicKey>(keys.data(), 519), msg, agg_all)),
              BlsError::kVerificationFailed);
    EXPECT_EQ(err(bls_fast_aggregate_verify(std::span<const BlsPublicKey>(keys), as_bytes("other"), agg_all)),
              BlsError::kVerificationFailed);

    // Three signers, in any order, through either overload; and the empty set.
    const BlsSignature agg3 = *bls_aggregate_signatures(std::span<const BlsSignature>(sigs.data(), 3));
    const std::span<const BlsPublicKey> first3(keys.data(), 3);
    EXPECT_TRUE(bls_fast_aggregate_verify(first3, msg, agg3).has_value());
    EXPECT_TRUE(bls_verify(*bls_aggregate_public_keys(first3), msg, agg3).has_value());
    const BlsPublicKey* subset[] = {&keys[2], &keys[0], &keys[1]};
    EXPECT_TRUE(bls_fast_aggregate_verify(std::span<const BlsPublicKey* const>(subset), msg, agg3).has_value());
    EXPECT_EQ(err(bls_fast_aggregate_verify(std::span<const BlsPublicKey>(keys.data(), 2), msg, agg3)),
              BlsError::kVerificationFailed);
    EXPECT_EQ(err(bls_fast_aggregate_verify(std::span<const BlsPublicKey>{}, msg, agg3)), BlsError::kEmptyInput);
    EXPECT_EQ(err(bls_fast_aggregate_verify(std::span<const BlsPublicKey* const>{}, msg, agg3)), BlsError::kEmptyInput);
    EXPECT_EQ(err(bls_aggregate_public_keys({})), BlsError::kEmptyInput);
    EXPECT_EQ(err(bls_aggregate_signatures({})), BlsError::kEmptyInput);
}

TEST(Bls, CancellingKeysAreRejected) {
    const BlsSecretKey sk = key_from_seed(5);
    const BlsSecretKey neg = *BlsSecretKey::from_bytes(order_minus(sk.to_bytes()));
    const BlsPublicKey keys[] = {bls_sk_to_pk(sk), bls_sk_to_pk(neg)};
    EXPECT_EQ(err(bls_aggregate_public_keys(keys)), BlsError::kInfinityPublicKey);
    // The two signatures sum to the identity too; FastAggregateVerify must still refuse (KeyValidate on the sum).
    const BlsSignature sigs[] = {bls_sign(sk, as_bytes("x")), bls_sign(neg, as_bytes("x"))};
    const BlsSignature agg = *bls_aggregate_signatures(sigs);
    EXPECT_TRUE(agg.is_infinity());
    EXPECT_EQ(err(bls_fast_aggregate_verify(keys, as_bytes("x"), agg)), BlsError::kInfinityPublicKey);
}

TEST(Bls, AggregateVerifyDistinctMessages) {
    std::vector<BlsPublicKey> keys;
    std::vector<BlsSignature> sigs;
    const std::vector<std::string> texts = {"a", "b", "c", "d"};
    for (std::size_t i = 0; i < texts.size(); ++i) {
        const BlsSecretKey sk = key_from_seed(static_cast<uint8_t>(0x10 + i));
        keys.push_back(bls_sk_to_pk(sk));
        sigs.push_back(bls_sign(sk, as_bytes(texts[i])));
    }
    std::vector<ByteView> msgs;
    for (const auto& t : texts) msgs.push_back(as_bytes(t));
    const BlsSignature agg = *bls_aggregate_signatures(sigs);
    EXPECT_TRUE(bls_aggregate_verify(keys, msgs, agg).has_value());
    std::swap(msgs[0], msgs[1]);
    EXPECT_EQ(err(bls_aggregate_verify(keys, msgs, agg)), BlsError::kVerificationFailed);
    EXPECT_EQ(err(bls_aggregate_verify(keys, std::span<const ByteView>(msgs.data(), 3), agg)),
              BlsError::kLengthMismatch);

    // Batch: all good, then one set's signature swapped for another's.
    std::vector<BlsSignatureSet> sets;
    for (std::size_t i = 0; i < keys.size(); ++i) sets.push_back({&keys[i], as_bytes(texts[i]), &sigs[i]});
    EXPECT_TRUE(bls_batch_verify(sets).has_value());
    EXPECT_TRUE(bls_batch_verify(std::span<const BlsSignatureSet>(sets.data(), 1)).has_value());
    sets[3].signature = &sigs[2];
    EXPECT_EQ(err(bls_batch_verify(sets)), BlsError::kVerificationFailed);
    EXPECT_EQ(err(bls_batch_verify({})), BlsError::kEmptyInput);
}

TEST(Bls, ErrorNamesAreDistinct) {
    std::set<std::string_view> names;
    for (int e = static_cast<int>(BlsError::kBadEncoding); e <= static_cast<int>(BlsError::kVerificationFailed); ++e) {
        const auto name = to_string(static_cast<BlsError>(e));
        EXPECT_NE(name, "unknown BLS error");
        names.insert(name);
    }
    EXPECT_EQ(names.size(), 9u);
}

}  // namespace
}  // namespace hypasis::crypto
