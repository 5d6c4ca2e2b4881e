// The whole IKEv2 crypto path checked against one real strongSwan exchange (see
// testdata/strongswan_ikev2_aes128_sha256_modp2048.txt): key schedule, Child SA keys,
// AUTH signed octets, decryption of the fragmented IKE_AUTH messages and verification of
// the RSA signatures inside them, byte-exact re-protection, and ESP integrity.

#include <memory>

#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "proto/ike/crypto/auth.h"
#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"
#include "proto/ike/crypto/key_schedule.h"
#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/crypto/signature.h"
#include "proto/ike/crypto/sk_protection.h"
#include "proto/ike/crypto/test_hex.h"
#include "proto/ike/crypto/test_vectors.h"

namespace hnbsec::ike {
namespace {

using testing::hex;
using testing::to_hex;
using testing::VectorFile;

constexpr std::size_t kIkeHeader = 28;  // RFC 7296 §3.1
constexpr std::uint8_t kPayloadSk = 46;
constexpr std::uint8_t kPayloadSkf = 53;
constexpr std::uint8_t kPayloadCert = 37;
constexpr std::uint8_t kPayloadAuth = 39;

std::size_t be16(OctetSpan b, std::size_t at) {
    return static_cast<std::size_t>(b[at] << 8 | b[at + 1]);
}

// An encrypted message split the way sk_unprotect() takes it.
struct Protected {
    std::uint8_t first_inner = 0;  // Next Payload of the SK/SKF header
    OctetSpan prefix;
    OctetSpan body;
};

Protected split(const Octets& msg) {
    Protected p;
    EXPECT_GE(msg.size(), kIkeHeader + 8);
    const std::uint8_t type = msg[16];
    EXPECT_TRUE(type == kPayloadSk || type == kPayloadSkf) << "first payload " << int{type};
    const std::size_t header = type == kPayloadSkf ? 8 : 4;  // RFC 7383 §2.5: + Fragment Number, Total
    const std::size_t length = be16(msg, kIkeHeader + 2);
    EXPECT_EQ(kIkeHeader + length, msg.size());
    p.first_inner = msg[kIkeHeader];
    p.prefix = OctetSpan(msg).first(kIkeHeader + header);
    p.body = OctetSpan(msg).subspan(kIkeHeader + header, length - header);
    return p;
}

struct Payload {
    std::uint8_t type;
    Octets body;  // after the generic payload header
};

std::vector<Payload> walk(std::uint8_t first, OctetSpan chain) {
    std::vector<Payload> out;
    std::uint8_t type = first;
    std::size_t at = 0;
    while (type != 0 && at + 4 <= chain.size()) {
        const std::size_t len = be16(chain, at + 2);
        if (len < 4 || at + len > chain.size()) {
            ADD_FAILURE() << "bad payload length " << len;
            break;
        }
        out.push_back({type, Octets(chain.begin() + static_cast<std::ptrdiff_t>(at + 4),
                                    chain.begin() + static_cast<std::ptrdiff_t>(at + len))});
        type = chain[at];
        at += len;
    }
    EXPECT_EQ(at, chain.size()) << "payload chain does not end at the plaintext's end";
    return out;
}

const Payload* find(const std::vector<Payload>& payloads, std::uint8_t type) {
    for (const auto& p : payloads)
        if (p.type == type) return &p;
    return nullptr;
}

class StrongSwanReplay : public ::testing::Test {
protected:
    void SetUp() override {
        auto file = VectorFile::load("strongswan_ikev2_aes128_sha256_modp2048.txt");
        ASSERT_TRUE(file.ok()) << file.error().message();
        v_ = std::make_unique<VectorFile>(std::move(file).value());
        auto suite = parse_suite(v_->text("ike_proposal"));
        ASSERT_TRUE(suite.ok()) << suite.error().message();
        suite_ = *suite;
        keys_.sk_d = v_->octets("sk_d");
        keys_.sk_ai = v_->octets("sk_ai");
        keys_.sk_ar = v_->octets("sk_ar");
        keys_.sk_ei = v_->octets("sk_ei");
        keys_.sk_er = v_->octets("sk_er");
        keys_.sk_pi = v_->octets("sk_pi");
        keys_.sk_pr = v_->octets("sk_pr");
    }

    // Decrypts the two IKE_AUTH fragments of one direction and returns the inner payloads.
    std::vector<Payload> reassemble(const std::string& which, Sender sender) {
        Octets chain;
        std::uint8_t first = 0;
        for (int n = 1; n <= 2; ++n) {
            const Octets msg = v_->octets(which + "_fragment_" + std::to_string(n));
            Protected p = split(msg);
            EXPECT_EQ(be16(p.prefix, kIkeHeader + 4), static_cast<std::size_t>(n));  // Fragment Number
            EXPECT_EQ(be16(p.prefix, kIkeHeader + 6), 2u);                           // Total Fragments
            auto plain = sk_unprotect(suite_, sk_keys(keys_, sender), p.prefix, p.body);
            EXPECT_TRUE(plain.ok()) << which << " fragment " << n << ": " << plain.error().message();
            if (!plain.ok()) return {};
            if (n == 1) first = p.first_inner;
            chain.insert(chain.end(), plain->plaintext.begin(), plain->plaintext.end());
        }
        return walk(first, chain);
    }

    std::unique_ptr<VectorFile> v_;
    Suite suite_;
    IkeSaKeys keys_;
};

TEST_F(StrongSwanReplay, SuiteIsTheNegotiatedOne) {
    EXPECT_EQ(to_string(suite_), "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048");
}

TEST_F(StrongSwanReplay, SkeyseedAndSkKeysMatchCharon) {
    auto seed = skeyseed(suite_.prf, v_->octets("ni"), v_->octets("nr"), v_->octets("g_ir"));
    ASSERT_TRUE(seed.ok()) << seed.error().message();
    EXPECT_EQ(to_hex(*seed), to_hex(v_->octets("skeyseed")));
    auto k = derive_ike_sa_keys(suite_, *seed, v_->octets("ni"), v_->octets("nr"), v_->octets("spi_i"),
                                v_->octets("spi_r"));
    ASSERT_TRUE(k.ok()) << k.error().message();
    EXPECT_EQ(to_hex(k->sk_d), to_hex(keys_.sk_d));
    EXPECT_EQ(to_hex(k->sk_ai), to_hex(keys_.sk_ai));
    EXPECT_EQ(to_hex(k->sk_ar), to_hex(keys_.sk_ar));
    EXPECT_EQ(to_hex(k->sk_ei), to_hex(keys_.sk_ei));
    EXPECT_EQ(to_hex(k->sk_er), to_hex(keys_.sk_er));
    EXPECT_EQ(to_hex(k->sk_pi), to_hex(keys_.sk_pi));
    EXPECT_EQ(to_hex(k->sk_pr), to_hex(keys_.sk_pr));
}

TEST_F(StrongSwanReplay, ChildSaKeysMatchCharon) {
    auto child = parse_suite(v_->text("esp_proposal"), ProposalProtocol::kEsp);
    ASSERT_TRUE(child.ok()) << child.error().message();
    auto k = derive_child_sa_keys(suite_.prf, *child, keys_.sk_d, {}, v_->octets("ni"), v_->octets("nr"));
    ASSERT_TRUE(k.ok()) << k.error().message();
    EXPECT_EQ(to_hex(k->encr_i), to_hex(v_->octets("child_encr_i")));
    EXPECT_EQ(to_hex(k->integ_i), to_hex(v_->octets("child_integ_i")));
    EXPECT_EQ(to_hex(k->encr_r), to_hex(v_->octets("child_encr_r")));
    EXPECT_EQ(to_hex(k->integ_r), to_hex(v_->octets("child_integ_r")));
}

TEST_F(StrongSwanReplay, SignedOctetsMatchCharon) {
    auto octets_i = auth_signed_octets(suite_.prf, v_->octets("ike_sa_init_request"), v_->octets("nr"),
                                       keys_.sk_pi, v_->octets("id_i_body"));
    ASSERT_TRUE(octets_i.ok()) << octets_i.error().message();
    EXPECT_EQ(to_hex(*octets_i), to_hex(v_->octets("signed_octets_i")));
    auto octets_r = auth_signed_octets(suite_.prf, v_->octets("ike_sa_init_response"), v_->octets("ni"),
                                       keys_.sk_pr, v_->octets("id_r_body"));
    ASSERT_TRUE(octets_r.ok()) << octets_r.error().message();
    EXPECT_EQ(to_hex(*octets_r), to_hex(v_->octets("signed_octets_r")));
}

// The fragments decrypt with SK_ei/SK_ai (request) and SK_er/SK_ar (response); the
// reassembled messages carry the peers' certificates and AUTH payloads, whose RFC 7427
// signatures verify over the signed octets our code builds.
TEST_F(StrongSwanReplay, IkeAuthFragmentsDecryptAndTheirSignaturesVerify) {
    struct Direction {
        const char* messages;
        Sender sender;
        const char* init_message;
        const char* peer_nonce;
        OctetSpan sk_p;
        std::uint8_t id_type;  // IDi 35 / IDr 36
    };
    const Direction directions[] = {
        {"ike_auth_request", Sender::kInitiator, "ike_sa_init_request", "nr", keys_.sk_pi, 35},
        {"ike_auth_response", Sender::kResponder, "ike_sa_init_response", "ni", keys_.sk_pr, 36},
    };
    for (const auto& d : directions) {
        SCOPED_TRACE(d.messages);
        const auto payloads = reassemble(d.messages, d.sender);
        const Payload* id = find(payloads, d.id_type);
        const Payload* cert = find(payloads, kPayloadCert);
        const Payload* auth = find(payloads, kPayloadAuth);
        ASSERT_TRUE(id && cert && auth) << "IDx, CERT and AUTH expected";
        // CERT: encoding 4 = X.509 Certificate - Signature (RFC 7296 §3.6).
        ASSERT_EQ(cert->body[0], 4);
        const unsigned char* der = cert->body.data() + 1;
        std::unique_ptr<X509, ossl::Deleter<X509, X509_free>> x509(
            d2i_X509(nullptr, &der, static_cast<long>(cert->body.size() - 1)));
        ASSERT_TRUE(x509);
        EVP_PKEY* public_key = X509_get0_pubkey(x509.get());
        ASSERT_NE(public_key, nullptr);

        auto octets = auth_signed_octets(suite_.prf, v_->octets(d.init_message), v_->octets(d.peer_nonce),
                                         d.sk_p, id->body);
        ASSERT_TRUE(octets.ok()) << octets.error().message();
        // AUTH: method (1) | RESERVED (3) | data (RFC 7296 §3.8).
        const auto method = static_cast<AuthMethod>(auth->body[0]);
        EXPECT_EQ(method, AuthMethod::kDigitalSignature);
        const OctetSpan auth_data = OctetSpan(auth->body).subspan(4);
        auto used = verify_auth_data(method, public_key, *octets, auth_data);
        ASSERT_TRUE(used.ok()) << used.error().message();
        EXPECT_EQ(*used, kSha256WithRsa);  // charon: "RSA_EMSA_PKCS1_SHA2_256"

        Octets tampered = *octets;
        tampered[40] ^= 1;
        EXPECT_FALSE(verify_auth_data(method, public_key, tampered, auth_data).ok());
    }
}

// Every SK message of the capture decrypts, and protecting its plaintext again with the
// IV and padding charon chose reproduces the captured bytes exactly (ICV included).
TEST_F(StrongSwanReplay, SkMessagesDecryptAndReprotectByteForByte) {
    const std::vector<std::pair<std::string, Sender>> messages = {
        {"informational_request_from_r", Sender::kResponder},
        {"informational_response_from_i", Sender::kInitiator},
        {"informational_request_from_i", Sender::kInitiator},
        {"informational_response_from_r", Sender::kResponder},
        {"ike_auth_request_fragment_1", Sender::kInitiator},
        {"ike_auth_request_fragment_2", Sender::kInitiator},
        {"ike_auth_response_fragment_1", Sender::kResponder},
        {"ike_auth_response_fragment_2", Sender::kResponder},
    };
    for (const auto& [name, sender] : messages) {
        SCOPED_TRACE(name);
        const Octets msg = v_->octets(name);
        Protected p = split(msg);
        const SkKeys keys = sk_keys(keys_, sender);
        auto plain = sk_unprotect(suite_, keys, p.prefix, p.body);
        ASSERT_TRUE(plain.ok()) << plain.error().message();

        SkProtectOptions options;
        options.iv = Octets(p.body.begin(), p.body.begin() + 16);
        options.padding = plain->padding;  // charon pads with random octets
        EXPECT_EQ(sk_body_size(suite_, plain->plaintext.size(), options).value(), p.body.size());
        auto again = sk_protect(suite_, keys, p.prefix, plain->plaintext, options);
        ASSERT_TRUE(again.ok()) << again.error().message();
        EXPECT_EQ(to_hex(*again), to_hex(p.body));

        // The wrong direction's keys fail on the ICV, before any decryption.
        auto wrong = sk_unprotect(
            suite_, sk_keys(keys_, sender == Sender::kInitiator ? Sender::kResponder : Sender::kInitiator),
            p.prefix, p.body);
        ASSERT_FALSE(wrong.ok());
        EXPECT_NE(wrong.error().what().find("ICV mismatch"), std::string::npos) << wrong.error().what();
    }
}

// The first INFORMATIONAL request from the SeGW carries N(NO_ADDITIONAL_ADDRESSES) (16399, RFC 4555).
TEST_F(StrongSwanReplay, InformationalPlaintextIsTheNotify) {
    const Octets msg = v_->octets("informational_request_from_r");
    Protected p = split(msg);
    auto plain = sk_unprotect(suite_, sk_keys(keys_, Sender::kResponder), p.prefix, p.body);
    ASSERT_TRUE(plain.ok()) << plain.error().message();
    auto payloads = walk(p.first_inner, plain->plaintext);
    ASSERT_EQ(payloads.size(), 1u);
    EXPECT_EQ(payloads[0].type, 41);  // Notify
    EXPECT_EQ(be16(payloads[0].body, 2), 16399u);
}

// ESP packets of the Child SA (RFC 4303 §2): SPI | Sequence | IV | C | ICV, HMAC-SHA-256-128
// over everything before the ICV; the inner packet is IPv4 (Next Header 4).
TEST_F(StrongSwanReplay, EspPacketsCheckWithTheChildSaKeys) {
    struct Esp {
        const char* packet;
        const char* spi;
        const char* encr;
        const char* integ;
    };
    for (const Esp& e : {Esp{"esp_packet_i_to_r", "esp_spi_i_to_r", "child_encr_i", "child_integ_i"},
                         Esp{"esp_packet_r_to_i", "esp_spi_r_to_i", "child_encr_r", "child_integ_r"}}) {
        SCOPED_TRACE(e.packet);
        const Octets pkt = v_->octets(e.packet);
        ASSERT_GT(pkt.size(), 8u + 16u + 16u + 16u);
        EXPECT_EQ(to_hex(OctetSpan(pkt).first(4)), v_->text(e.spi));
        const OctetSpan icv = OctetSpan(pkt).last(16);
        const OctetSpan covered = OctetSpan(pkt).first(pkt.size() - 16);
        auto st = integ_verify(IntegId::kHmacSha2_256_128, v_->octets(e.integ), covered, icv);
        ASSERT_TRUE(st.ok()) << st.error().message();
        auto inner =
            cbc_decrypt(EncrId::kAesCbc, v_->octets(e.encr), covered.subspan(8, 16), covered.subspan(24));
        ASSERT_TRUE(inner.ok()) << inner.error().message();
        EXPECT_EQ(inner->back(), 4);      // Next Header: IPv4
        EXPECT_EQ(inner->front(), 0x45);  // IPv4, IHL 5
    }
}

}  // namespace
}  // namespace hnbsec::ike
