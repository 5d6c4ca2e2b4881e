#include "proto/ike/crypto/integrity.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::repeat;
using testing::to_hex;

struct AuthCase {
    const char* name;
    IntegId id;
    Octets key;
    Octets data;
    const char* icv;
};

// RFC 4868 §2.7.2 test vectors (AUTH256-1..4, AUTH384-1..2, AUTH512-1..2): keys of the
// transform's own length, outputs truncated to 128/192/256 bits.
TEST(Integrity, HmacSha2MatchesRfc4868) {
    Octets key32;
    for (int i = 1; i <= 32; ++i) key32.push_back(static_cast<std::uint8_t>(i));
    const std::vector<AuthCase> cases = {
        {"AUTH256-1", IntegId::kHmacSha2_256_128, repeat(0x0b, 32), ascii("Hi There"),
         "198a607eb44bfbc69903a0f1cf2bbdc5"},
        {"AUTH256-2", IntegId::kHmacSha2_256_128, ascii("JefeJefeJefeJefeJefeJefeJefeJefe"),
         ascii("what do ya want for nothing?"), "167f928588c5cc2eef8e3093caa0e87c"},
        {"AUTH256-3", IntegId::kHmacSha2_256_128, repeat(0xaa, 32), repeat(0xdd, 50),
         "cdcb1220d1ecccea91e53aba3092f962"},
        {"AUTH256-4", IntegId::kHmacSha2_256_128, key32, repeat(0xcd, 50),
         "372efcf9b40b35c2115b1346903d2ef4"},
        {"AUTH384-1", IntegId::kHmacSha2_384_192, repeat(0x0b, 48), ascii("Hi There"),
         "b6a8d5636f5c6a7224f9977dcf7ee6c7fb6d0c48cbdee973"},
        {"AUTH384-2", IntegId::kHmacSha2_384_192, ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"),
         ascii("what do ya want for nothing?"), "2c7353974f1842fd66d53c452ca42122b28c0b594cfb184d"},
        {"AUTH512-1", IntegId::kHmacSha2_512_256, repeat(0x0b, 64), ascii("Hi There"),
         "637edc6e01dce7e6742a99451aae82df23da3e92439e590e43e761b33e910fb8"},
        {"AUTH512-2", IntegId::kHmacSha2_512_256,
         ascii("JefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefeJefe"),
         ascii("what do ya want for nothing?"),
         "cb370917ae8a7ce28cfd1d8f4705d6141c173b2a9362c15df235dfb251b15454"},
    };
    for (const auto& c : cases) {
        auto icv = integ_compute(c.id, c.key, c.data);
        ASSERT_TRUE(icv.ok()) << c.name << ": " << icv.error().message();
        EXPECT_EQ(to_hex(*icv), c.icv) << c.name;
        EXPECT_TRUE(integ_verify(c.id, c.key, c.data, *icv).ok()) << c.name;
    }
}

// RFC 2202 §3 test case 5 ("Test With Truncation"), HMAC-SHA-1-96 as RFC 2404 uses it.
TEST(Integrity, HmacSha1_96TruncatesRfc2202Case5) {
    auto icv = integ_compute(IntegId::kHmacSha1_96, repeat(0x0c, 20), ascii("Test With Truncation"));
    ASSERT_TRUE(icv.ok()) << icv.error().message();
    EXPECT_EQ(to_hex(*icv), "4c1a03424b55e07fe7f27be1");
}

TEST(Integrity, VerifyRejectsAnyChangedOctet) {
    const Octets key = repeat(0x0b, 32);
    const Octets data = ascii("Hi There");
    Octets icv = hex("198a607eb44bfbc69903a0f1cf2bbdc5");
    for (std::size_t i = 0; i < icv.size(); ++i) {
        Octets bad = icv;
        bad[i] ^= 0x01;
        auto st = integ_verify(IntegId::kHmacSha2_256_128, key, data, bad);
        ASSERT_FALSE(st.ok());
        EXPECT_NE(st.error().what().find("ICV mismatch"), std::string::npos) << st.error().what();
    }
    EXPECT_FALSE(integ_verify(IntegId::kHmacSha2_256_128, key, data, OctetSpan(icv).first(12)).ok());
}

TEST(Integrity, KeyLengthIsEnforced) {
    auto r = integ_compute(IntegId::kHmacSha2_256_128, repeat(1, 20), ascii("x"));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("32-octet key"), std::string::npos) << r.error().what();
    EXPECT_EQ(integ_key_size(IntegId::kHmacSha1_96), 20u);
    EXPECT_EQ(integ_icv_size(IntegId::kHmacSha2_512_256), 32u);
    EXPECT_FALSE(integ_supported(IntegId::kAesXcbc96));
    EXPECT_FALSE(integ_supported(IntegId::kNone));
}

}  // namespace
}  // namespace hnbsec::ike
