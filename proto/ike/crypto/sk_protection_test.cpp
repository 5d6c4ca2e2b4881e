#include "proto/ike/crypto/sk_protection.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"
#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::repeat;

// An IKE header and SK generic payload header whose lengths cover a body of body_size.
Octets prefix_for(std::size_t body_size) {
    Octets p = hex("0102030405060708 a1a2a3a4a5a6a7a8 2e 20 2508 00000002 00000000 29 00 0000");
    const std::size_t total = p.size() + body_size;
    p[24] = static_cast<std::uint8_t>(total >> 24);
    p[25] = static_cast<std::uint8_t>(total >> 16);
    p[26] = static_cast<std::uint8_t>(total >> 8);
    p[27] = static_cast<std::uint8_t>(total);
    p[30] = static_cast<std::uint8_t>((4 + body_size) >> 8);
    p[31] = static_cast<std::uint8_t>(4 + body_size);
    return p;
}

struct Keys {
    Octets sk_e;
    Octets sk_a;
    SkKeys view() const { return SkKeys{sk_e, sk_a}; }
};

Keys keys_for(const Suite& suite) {
    const EncrFacts facts = encr_facts(suite.encr, suite.encr_key_bits).value();
    return Keys{repeat(0x5e, facts.keymat_size()),
                facts.aead ? Octets{} : repeat(0x5a, integ_key_size(suite.integ))};
}

TEST(SkProtection, RoundTripsForEverySuite) {
    const Octets plaintext = concat({hex("290000080000400f"), ascii(" and more inner payload octets")});
    for (const char* proposal :
         {"aes128-sha256-modp2048", "aes192-sha1-modp2048", "aes256-sha384-ecp384", "aes256-sha512-ecp521",
          "3des-sha256-modp2048", "aes128gcm16-prfsha256-ecp256", "aes256gcm16-prfsha384-ecp384",
          "aes128gcm8-prfsha256-ecp256", "aes256gcm12-prfsha256-ecp256",
          "chacha20poly1305-prfsha256-curve25519"}) {
        SCOPED_TRACE(proposal);
        const Suite suite = parse_suite(proposal).value();
        const Keys keys = keys_for(suite);
        for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{15}, plaintext.size()}) {
            const OctetSpan pt = OctetSpan(plaintext).first(size);
            auto body_size = sk_body_size(suite, pt.size());
            ASSERT_TRUE(body_size.ok()) << body_size.error().message();
            const Octets prefix = prefix_for(*body_size);
            auto body = sk_protect(suite, keys.view(), prefix, pt);
            ASSERT_TRUE(body.ok()) << body.error().message();
            EXPECT_EQ(body->size(), *body_size);
            auto back = sk_unprotect(suite, keys.view(), prefix, *body);
            ASSERT_TRUE(back.ok()) << back.error().message();
            EXPECT_EQ(back->plaintext, Octets(pt.begin(), pt.end()));
        }
    }
}

// CBC + HMAC: the ICV covers prefix | IV | C (RFC 7296 §3.14), checked independently.
TEST(SkProtection, CbcLayoutIsIvCiphertextIcv) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    const Keys keys = keys_for(suite);
    const Octets iv = hex("000102030405060708090a0b0c0d0e0f");
    SkProtectOptions options;
    options.iv = iv;
    const Octets plaintext = repeat(0xab, 20);  // + 11 padding + 1 pad length = 32
    const Octets prefix = prefix_for(sk_body_size(suite, plaintext.size(), options).value());
    const Octets body = sk_protect(suite, keys.view(), prefix, plaintext, options).value();
    ASSERT_EQ(body.size(), 16u + 32u + 16u);
    EXPECT_EQ(Octets(body.begin(), body.begin() + 16), iv);
    const Octets inner = cbc_decrypt(EncrId::kAesCbc, keys.sk_e, iv, OctetSpan(body).subspan(16, 32)).value();
    EXPECT_EQ(inner.back(), 11);
    EXPECT_EQ(Octets(inner.begin(), inner.begin() + 20), plaintext);
    const Octets icv =
        integ_compute(IntegId::kHmacSha2_256_128, keys.sk_a, concat({prefix, OctetSpan(body).first(48)}))
            .value();
    EXPECT_EQ(Octets(body.begin() + 48, body.end()), icv);
}

// AEAD: prefix is the AAD (RFC 5282 §5.1), nonce = salt | IV.
TEST(SkProtection, GcmUsesPrefixAsAad) {
    const Suite suite = parse_suite("aes256gcm16-prfsha384-ecp384").value();
    const Keys keys = keys_for(suite);
    SkProtectOptions options;
    options.iv = hex("0011223344556677");
    const Octets plaintext = ascii("inner payloads");
    const Octets prefix = prefix_for(sk_body_size(suite, plaintext.size(), options).value());
    const Octets body = sk_protect(suite, keys.view(), prefix, plaintext, options).value();
    ASSERT_EQ(body.size(), 8u + plaintext.size() + 1 + 16u);  // no padding needed with GCM
    auto inner = aead_decrypt(EncrId::kAesGcm16, keys.sk_e, *options.iv, prefix, OctetSpan(body).subspan(8));
    ASSERT_TRUE(inner.ok()) << inner.error().message();
    EXPECT_EQ(inner->back(), 0);
    Octets other_prefix = prefix;
    other_prefix[23] ^= 1;  // message ID
    auto r = sk_unprotect(suite, keys.view(), other_prefix, body);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("ICV mismatch"), std::string::npos) << r.error().what();
}

TEST(SkProtection, ChosenPaddingIsSentAndReturned) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    const Keys keys = keys_for(suite);
    SkProtectOptions options;
    options.pad_length = 27;  // 4 + 27 + 1 = 32
    options.pad_octet = 0xee;
    const Octets plaintext = repeat(1, 4);
    const Octets prefix = prefix_for(sk_body_size(suite, plaintext.size(), options).value());
    const Octets body = sk_protect(suite, keys.view(), prefix, plaintext, options).value();
    auto back = sk_unprotect(suite, keys.view(), prefix, body);
    ASSERT_TRUE(back.ok()) << back.error().message();
    EXPECT_EQ(back->padding, repeat(0xee, 27));
    EXPECT_EQ(back->plaintext, plaintext);
    options.pad_length = 26;
    auto misaligned = sk_protect(suite, keys.view(), prefix, plaintext, options);
    ASSERT_FALSE(misaligned.ok());
    EXPECT_NE(misaligned.error().what().find("not a multiple of the block size"), std::string::npos);
    options.pad_length = 300;
    EXPECT_FALSE(sk_protect(suite, keys.view(), prefix, plaintext, options).ok());
    // Exact padding octets win over pad_length / pad_octet.
    options.padding = hex("0102030405060708090a0b0c0d0e0f101112131415161718191a1b");
    const Octets body2 = sk_protect(suite, keys.view(), prefix, plaintext, options).value();
    EXPECT_EQ(sk_unprotect(suite, keys.view(), prefix, body2).value().padding, *options.padding);
}

TEST(SkProtection, UnprotectErrorsArePrecise) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    const Keys keys = keys_for(suite);
    const Octets plaintext = repeat(2, 40);
    const Octets prefix = prefix_for(sk_body_size(suite, plaintext.size()).value());
    const Octets body = sk_protect(suite, keys.view(), prefix, plaintext).value();

    Octets flipped = body;
    flipped[20] ^= 1;
    auto icv = sk_unprotect(suite, keys.view(), prefix, flipped);
    ASSERT_FALSE(icv.ok());
    EXPECT_NE(icv.error().what().find("ICV mismatch"), std::string::npos) << icv.error().what();

    auto short_body = sk_unprotect(suite, keys.view(), prefix, OctetSpan(body).first(40));
    ASSERT_FALSE(short_body.ok());
    EXPECT_NE(short_body.error().what().find("shorter than"), std::string::npos) << short_body.error().what();

    Octets unaligned = body;
    unaligned.insert(unaligned.begin() + 20, 0);
    auto misaligned = sk_unprotect(suite, keys.view(), prefix, unaligned);
    ASSERT_FALSE(misaligned.ok());
    EXPECT_NE(misaligned.error().what().find("not a multiple"), std::string::npos)
        << misaligned.error().what();

    // A message whose pad length octet claims more than was decrypted (ICV valid).
    SkProtectOptions options;
    options.iv = repeat(9, 16);
    Octets inner = repeat(0, 15);
    inner.push_back(200);
    Octets iv_c = concat({*options.iv, cbc_encrypt(EncrId::kAesCbc, keys.sk_e, *options.iv, inner).value()});
    const Octets prefix2 = prefix_for(iv_c.size() + 16);
    const Octets icv2 = integ_compute(IntegId::kHmacSha2_256_128, keys.sk_a, concat({prefix2, iv_c})).value();
    auto pad = sk_unprotect(suite, keys.view(), prefix2, concat({iv_c, icv2}));
    ASSERT_FALSE(pad.ok());
    EXPECT_NE(pad.error().what().find("pad length 200"), std::string::npos) << pad.error().what();
}

TEST(SkProtection, KeysAndSuiteAreChecked) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    const Octets short_key = repeat(1, 8);
    const Octets sk_a = repeat(2, 32);
    auto r = sk_protect(suite, SkKeys{short_key, sk_a}, prefix_for(64), repeat(0, 4));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("SK_e is 8 octets"), std::string::npos) << r.error().what();
    Suite null = suite;
    null.encr = EncrId::kNull;
    null.encr_key_bits = 0;
    EXPECT_FALSE(sk_body_size(null, 10).ok());
    SkProtectOptions bad_iv;
    bad_iv.iv = repeat(0, 8);
    EXPECT_FALSE(sk_protect(suite, keys_for(suite).view(), prefix_for(64), repeat(0, 4), bad_iv).ok());
}

TEST(SkProtection, SenderSelectsTheDirectionKeys) {
    IkeSaKeys k;
    k.sk_ei = repeat(1, 16);
    k.sk_ai = repeat(2, 32);
    k.sk_er = repeat(3, 16);
    k.sk_ar = repeat(4, 32);
    EXPECT_EQ(sk_keys(k, Sender::kInitiator).sk_e.data(), k.sk_ei.data());
    EXPECT_EQ(sk_keys(k, Sender::kInitiator).sk_a.data(), k.sk_ai.data());
    EXPECT_EQ(sk_keys(k, Sender::kResponder).sk_e.data(), k.sk_er.data());
    EXPECT_EQ(sk_keys(k, Sender::kResponder).sk_a.data(), k.sk_ar.data());
}

}  // namespace
}  // namespace hnbsec::ike
