#include "proto/ike/crypto/key_schedule.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/prf.h"
#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::repeat;

class KeyScheduleInputs : public ::testing::Test {
protected:
    const Octets ni_ = repeat(0x11, 32);
    const Octets nr_ = repeat(0x22, 32);
    const Octets spi_i_ = hex("0102030405060708");
    const Octets spi_r_ = hex("a1a2a3a4a5a6a7a8");
};

TEST(KeySchedule, LengthsFollowTheSuite) {
    auto cbc = ike_sa_key_lengths(parse_suite("aes256-sha384-ecp384").value()).value();
    EXPECT_EQ(cbc.sk_d, 48u);
    EXPECT_EQ(cbc.sk_a, 48u);
    EXPECT_EQ(cbc.sk_e, 32u);
    EXPECT_EQ(cbc.sk_p, 48u);
    // AES-GCM: no SK_a*, SK_e* is key | 4-octet salt (RFC 5282 §7.1).
    auto gcm = ike_sa_key_lengths(parse_suite("aes256gcm16-prfsha384-ecp384").value()).value();
    EXPECT_EQ(gcm.sk_a, 0u);
    EXPECT_EQ(gcm.sk_e, 36u);
    EXPECT_EQ(gcm.total(), 48u + 2 * 36u + 2 * 48u);
    auto g128 = ike_sa_key_lengths(parse_suite("aes128gcm16-prfsha256-ecp256").value()).value();
    EXPECT_EQ(g128.sk_e, 20u);
}

// SKEYSEED = prf(Ni | Nr, g^ir) and the split of prf+(SKEYSEED, Ni | Nr | SPIi | SPIr),
// rebuilt here from prf and prf_plus.
TEST_F(KeyScheduleInputs, IkeSaKeysAreSlicesOfPrfPlusInRfcOrder) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    const Octets g_ir = repeat(0x33, 256);
    auto seed = skeyseed(suite.prf, ni_, nr_, g_ir);
    ASSERT_TRUE(seed.ok()) << seed.error().message();
    EXPECT_EQ(*seed, prf(PrfId::kHmacSha2_256, concat({ni_, nr_}), g_ir).value());
    auto k = derive_ike_sa_keys(suite, *seed, ni_, nr_, spi_i_, spi_r_);
    ASSERT_TRUE(k.ok()) << k.error().message();
    const Octets all = prf_plus(PrfId::kHmacSha2_256, *seed, concat({ni_, nr_, spi_i_, spi_r_}),
                                std::size_t{5 * 32 + 2 * 16})
                           .value();
    auto slice = [&](std::size_t from, std::size_t n) {
        return Octets(all.begin() + static_cast<std::ptrdiff_t>(from),
                      all.begin() + static_cast<std::ptrdiff_t>(from + n));
    };
    EXPECT_EQ(k->sk_d, slice(0, 32));
    EXPECT_EQ(k->sk_ai, slice(32, 32));
    EXPECT_EQ(k->sk_ar, slice(64, 32));
    EXPECT_EQ(k->sk_ei, slice(96, 16));
    EXPECT_EQ(k->sk_er, slice(112, 16));
    EXPECT_EQ(k->sk_pi, slice(128, 32));
    EXPECT_EQ(k->sk_pr, slice(160, 32));
}

TEST_F(KeyScheduleInputs, AeadSuiteHasNoIntegrityKeys) {
    const Suite suite = parse_suite("aes256gcm16-prfsha384-ecp384").value();
    auto k = derive_ike_sa_keys(suite, repeat(7, 48), ni_, nr_, spi_i_, spi_r_);
    ASSERT_TRUE(k.ok()) << k.error().message();
    EXPECT_TRUE(k->sk_ai.empty());
    EXPECT_TRUE(k->sk_ar.empty());
    EXPECT_EQ(k->sk_ei.size(), 36u);
    EXPECT_EQ(k->sk_pr.size(), 48u);
    // SK_ei directly follows SK_d when there are no SK_a* keys.
    const Octets all = prf_plus(PrfId::kHmacSha2_384, repeat(7, 48), concat({ni_, nr_, spi_i_, spi_r_}),
                                std::size_t{48} + 36)
                           .value();
    EXPECT_EQ(k->sk_ei, Octets(all.begin() + 48, all.end()));
}

// §2.18: SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr).
TEST_F(KeyScheduleInputs, RekeySkeyseedUsesOldSkD) {
    const Octets old_sk_d = repeat(0x44, 32);
    const Octets g_ir = repeat(0x55, 32);
    auto seed = rekey_skeyseed(PrfId::kHmacSha2_256, old_sk_d, g_ir, ni_, nr_);
    ASSERT_TRUE(seed.ok()) << seed.error().message();
    EXPECT_EQ(*seed, prf(PrfId::kHmacSha2_256, old_sk_d, concat({g_ir, ni_, nr_})).value());
    EXPECT_FALSE(rekey_skeyseed(PrfId::kHmacSha2_256, {}, g_ir, ni_, nr_).ok());
}

// §2.17: KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr); initiator's encryption key, its
// integrity key, then the responder's.
TEST_F(KeyScheduleInputs, ChildSaKeysWithAndWithoutPfs) {
    const Octets sk_d = repeat(0x66, 32);
    const Suite esp = parse_suite("aes128-sha256", ProposalProtocol::kEsp).value();
    auto plain = derive_child_sa_keys(PrfId::kHmacSha2_256, esp, sk_d, {}, ni_, nr_);
    ASSERT_TRUE(plain.ok()) << plain.error().message();
    const Octets keymat =
        prf_plus(PrfId::kHmacSha2_256, sk_d, concat({ni_, nr_}), std::size_t{2} * (16 + 32)).value();
    EXPECT_EQ(plain->encr_i, Octets(keymat.begin(), keymat.begin() + 16));
    EXPECT_EQ(plain->integ_i, Octets(keymat.begin() + 16, keymat.begin() + 48));
    EXPECT_EQ(plain->encr_r, Octets(keymat.begin() + 48, keymat.begin() + 64));
    EXPECT_EQ(plain->integ_r, Octets(keymat.begin() + 64, keymat.end()));

    const Octets g_ir = repeat(0x77, 32);
    const Suite gcm = parse_suite("aes256gcm16-ecp256", ProposalProtocol::kEsp).value();
    auto pfs = derive_child_sa_keys(PrfId::kHmacSha2_256, gcm, sk_d, g_ir, ni_, nr_);
    ASSERT_TRUE(pfs.ok()) << pfs.error().message();
    const Octets keymat2 =
        prf_plus(PrfId::kHmacSha2_256, sk_d, concat({g_ir, ni_, nr_}), std::size_t{2} * 36).value();
    EXPECT_EQ(pfs->encr_i, Octets(keymat2.begin(), keymat2.begin() + 36));  // key | salt (RFC 4106 §8.1)
    EXPECT_TRUE(pfs->integ_i.empty());
    EXPECT_EQ(pfs->encr_r, Octets(keymat2.begin() + 36, keymat2.end()));
}

TEST_F(KeyScheduleInputs, BadInputsAreErrors) {
    const Suite suite = parse_suite("aes128-sha256-modp2048").value();
    EXPECT_FALSE(derive_ike_sa_keys(suite, repeat(1, 32), ni_, nr_, hex("0102"), spi_r_).ok());
    EXPECT_FALSE(skeyseed(PrfId::kHmacSha2_256, {}, nr_, repeat(1, 8)).ok());
    EXPECT_FALSE(skeyseed(PrfId::kHmacSha2_256, ni_, nr_, {}).ok());
    Suite xcbc = suite;
    xcbc.prf = PrfId::kAes128Xcbc;
    auto r = derive_ike_sa_keys(xcbc, repeat(1, 16), ni_, nr_, spi_i_, spi_r_);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("PRF_AES128_XCBC is not supported"), std::string::npos)
        << r.error().what();
}

TEST(Suite, FromProposalsAndNames) {
    auto s = parse_suite("aes256gcm16-prfsha384-ecp384");
    ASSERT_TRUE(s.ok()) << s.error().message();
    EXPECT_EQ(s->encr, EncrId::kAesGcm16);
    EXPECT_EQ(s->encr_key_bits, 256);
    EXPECT_EQ(s->integ, IntegId::kNone);
    EXPECT_EQ(s->prf, PrfId::kHmacSha2_384);
    EXPECT_EQ(s->dh, DhGroup::kEcp384);
    EXPECT_EQ(to_string(*s), "AES_GCM_16_256/PRF_HMAC_SHA2_384/ECP_384");
    EXPECT_EQ(to_string(parse_suite("aes128-sha256", ProposalProtocol::kEsp).value(), ProposalProtocol::kEsp),
              "AES_CBC_128/HMAC_SHA2_256_128");
    auto xcbc = parse_suite("aes128-aesxcbc-modp2048");
    ASSERT_FALSE(xcbc.ok());
    EXPECT_NE(xcbc.error().what().find("not supported"), std::string::npos) << xcbc.error().what();
    EXPECT_FALSE(parse_suite("aes128ctr-sha256-modp2048").ok());
}

}  // namespace
}  // namespace hnbsec::ike
