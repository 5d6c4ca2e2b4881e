#include "proto/ike/crypto/dh.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::hex;
using testing::to_hex;

struct EcpVector {
    DhGroup group;
    const char* i;
    const char* gix;
    const char* giy;
    const char* r;
    const char* grx;
    const char* gry;
    const char* girx;
};

// RFC 5903 §8.1-§8.3. The KE payload carries gx | gy; g^ir is girx alone (§7).
const EcpVector kRfc5903[] = {
    {DhGroup::kEcp256, "C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433",
     "DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180",
     "5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3",
     "C6EF9C5D78AE012A011164ACB397CE2088685D8F06BF9BE0B283AB46476BEE53",
     "D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63",
     "56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB",
     "D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE"},
    {DhGroup::kEcp384,
     "099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194",
     "667842D7D180AC2CDE6F74F37551F55755C7645C20EF73E31634FE72B4C55EE6DE3AC808ACB4BDB4C88732AEE95F41AA",
     "9482ED1FC0EEB9CAFC4984625CCFC23F65032149E0E144ADA024181535A0F38EEB9FCFF3C2C947DAE69B4C634573A81C",
     "41CB0779B4BDB85D47846725FBEC3C9430FAB46CC8DC5060855CC9BDA0AA2942E0308312916B8ED2960E4BD55A7448FC",
     "E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571",
     "DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C",
     "11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746"},
    {DhGroup::kEcp521,
     "0037ADE9319A89F4DABDB3EF411AACCCA5123C61ACAB57B5393DCE47608172A095AA85A30FE1C2952C6771D937BA9777F595"
     "7B2639BAB072462F68C27A57382D4A52",
     "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D1075649418"
     "85942AF5A7F4601723C4195D176CED3E",
     "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6CF226"
     "1A6A7F1507438BF01BEB6CA3926F9582",
     "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2F869"
     "CCA7458AA4A4EFFC311F5CB151685EB9",
     "00D0B3975AC4B799F5BEA16D5E13E9AF971D5E9B984C9F39728B5E5739735A219B97C356436ADC6E95BB0352F6BE64A6C291"
     "2D4EF2D0433CED2B6171640012D9460F",
     "015C68226383956E3BD066E797B623C27CE0EAC2F551A10C2C724D9852077B87220B6536C5C408A1D2AEBB8E86D678AE49CB"
     "57091F4732296579AB44FCD17F0FC56A",
     "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06B3C7"
     "15A3A8CC3151F2BEE417996D19F3DDEA"},
};

TEST(Dh, EcpMatchesRfc5903Section8) {
    for (const auto& v : kRfc5903) {
        SCOPED_TRACE(to_string(v.group));
        auto initiator = DhKeyPair::from_private_key(v.group, hex(v.i));
        auto responder = DhKeyPair::from_private_key(v.group, hex(v.r));
        ASSERT_TRUE(initiator.ok()) << initiator.error().message();
        ASSERT_TRUE(responder.ok()) << responder.error().message();
        const Octets gi = concat({hex(v.gix), hex(v.giy)});
        const Octets gr = concat({hex(v.grx), hex(v.gry)});
        EXPECT_EQ(initiator->public_value(), gi);
        EXPECT_EQ(responder->public_value(), gr);
        EXPECT_EQ(initiator->public_value().size(), dh_public_value_size(v.group));
        auto s1 = initiator->shared_secret(gr);
        auto s2 = responder->shared_secret(gi);
        ASSERT_TRUE(s1.ok()) << s1.error().message();
        ASSERT_TRUE(s2.ok()) << s2.error().message();
        EXPECT_EQ(*s1, hex(v.girx));
        EXPECT_EQ(*s2, hex(v.girx));
        EXPECT_EQ(s1->size(), dh_shared_secret_size(v.group));
    }
}

// RFC 7748 §6.1.
TEST(Dh, Curve25519MatchesRfc7748) {
    auto alice = DhKeyPair::from_private_key(
        DhGroup::kCurve25519, hex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a"));
    auto bob = DhKeyPair::from_private_key(
        DhGroup::kCurve25519, hex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb"));
    ASSERT_TRUE(alice.ok()) << alice.error().message();
    ASSERT_TRUE(bob.ok()) << bob.error().message();
    EXPECT_EQ(to_hex(alice->public_value()),
              "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    EXPECT_EQ(to_hex(bob->public_value()),
              "de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    const std::string k = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    EXPECT_EQ(to_hex(alice->shared_secret(bob->public_value()).value()), k);
    EXPECT_EQ(to_hex(bob->shared_secret(alice->public_value()).value()), k);
}

// RFC 8031 §2: an all-zero X25519 result must be refused; u = 0 is a low-order point.
TEST(Dh, Curve25519RefusesLowOrderPoints) {
    auto pair = DhKeyPair::generate(DhGroup::kCurve25519).value();
    auto r = pair.shared_secret(Octets(32, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("all zero"), std::string::npos) << r.error().what();
    auto short_value = pair.shared_secret(Octets(31, 9));
    ASSERT_FALSE(short_value.ok());
    EXPECT_NE(short_value.error().what().find("31 octets, expected 32"), std::string::npos)
        << short_value.error().what();
}

TEST(Dh, EveryGroupAgreesWithItself) {
    for (DhGroup g :
         {DhGroup::kModp768, DhGroup::kModp1024, DhGroup::kModp1536, DhGroup::kModp2048, DhGroup::kModp3072,
          DhGroup::kModp4096, DhGroup::kEcp256, DhGroup::kEcp384, DhGroup::kEcp521, DhGroup::kCurve25519}) {
        SCOPED_TRACE(to_string(g));
        auto a = DhKeyPair::generate(g);
        auto b = DhKeyPair::generate(g);
        ASSERT_TRUE(a.ok()) << a.error().message();
        ASSERT_TRUE(b.ok()) << b.error().message();
        EXPECT_EQ(a->public_value().size(), dh_public_value_size(g));
        EXPECT_TRUE(validate_dh_public_value(g, a->public_value()).ok());
        auto ab = a->shared_secret(b->public_value());
        auto ba = b->shared_secret(a->public_value());
        ASSERT_TRUE(ab.ok()) << ab.error().message();
        ASSERT_TRUE(ba.ok()) << ba.error().message();
        EXPECT_EQ(*ab, *ba);
        EXPECT_EQ(ab->size(), dh_shared_secret_size(g));
        EXPECT_NE(a->public_value(), b->public_value());
    }
}

// MODP-2048 with chosen exponents: g^x for x = 2 is 4, left-padded to 256 octets, and the
// shared secret of x = 2, y = 3 is 2^6 = 64, still padded (RFC 7296 §2.14).
TEST(Dh, ModpValuesArePaddedToThePrimeLength) {
    auto a = DhKeyPair::from_private_key(DhGroup::kModp2048, hex("02"));
    auto b = DhKeyPair::from_private_key(DhGroup::kModp2048, hex("03"));
    ASSERT_TRUE(a.ok()) << a.error().message();
    ASSERT_TRUE(b.ok()) << b.error().message();
    Octets four(256, 0);
    four[255] = 4;
    EXPECT_EQ(a->public_value(), four);
    auto s = a->shared_secret(b->public_value());
    ASSERT_TRUE(s.ok()) << s.error().message();
    Octets sixty_four(256, 0);
    sixty_four[255] = 64;
    EXPECT_EQ(*s, sixty_four);
}

// Group 2 is built from RFC 2409 §6.2's prime (OpenSSL 3.0 names only 1536 bits and up):
// a key pair of it validates against that prime's length and agrees.
TEST(Dh, Modp1024UsesTheRfc2409Prime) {
    EXPECT_EQ(dh_public_value_size(DhGroup::kModp1024), 128u);
    EXPECT_EQ(dh_public_value_size(DhGroup::kModp768), 96u);
    // p - 2 is the largest valid public value of group 2.
    const Octets p_minus_2 =
        hex("FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
            "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B"
            "0BFF5CB6F406B7EDEE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFD");
    EXPECT_TRUE(validate_dh_public_value(DhGroup::kModp1024, p_minus_2).ok());
    Octets p_minus_1 = p_minus_2;
    p_minus_1.back() = 0xFE;
    auto r = validate_dh_public_value(DhGroup::kModp1024, p_minus_1);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("p-1"), std::string::npos) << r.error().what();
}

TEST(Dh, ModpPeerValuesOutOfRangeAreRefused) {
    auto pair = DhKeyPair::generate(DhGroup::kModp2048).value();
    Octets zero(256, 0);
    Octets one(256, 0);
    one[255] = 1;
    Octets all_ff(256, 0xff);
    for (const Octets& bad : {zero, one, all_ff}) {
        auto r = pair.shared_secret(bad);
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().what().find("1 < y < p-1"), std::string::npos) << r.error().what();
    }
    auto r = pair.shared_secret(Octets(255, 7));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("255 octets, expected 256"), std::string::npos) << r.error().what();
}

TEST(Dh, EcpPeerValuesOffTheCurveAreRefused) {
    const auto& v = kRfc5903[0];
    Octets gr = concat({hex(v.grx), hex(v.gry)});
    auto pair = DhKeyPair::from_private_key(DhGroup::kEcp256, hex(v.i)).value();
    Octets off = gr;
    off.back() ^= 1;
    auto r = pair.shared_secret(off);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("not a point on P-256"), std::string::npos) << r.error().what();
    Octets big(64, 0xff);
    auto r2 = validate_dh_public_value(DhGroup::kEcp256, big);
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.error().what().find("not below the field prime"), std::string::npos) << r2.error().what();
    // With the 0x04 prefix the value is one octet too long.
    Octets with_prefix = concat({Octets{0x04}, gr});
    auto r3 = validate_dh_public_value(DhGroup::kEcp256, with_prefix);
    ASSERT_FALSE(r3.ok());
    EXPECT_NE(r3.error().what().find("without the 0x04"), std::string::npos) << r3.error().what();
}

TEST(Dh, UnsupportedGroupsAndBadPrivateKeysAreErrors) {
    EXPECT_FALSE(dh_supported(DhGroup::kNone));
    EXPECT_FALSE(DhKeyPair::generate(static_cast<DhGroup>(22)).ok());
    EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kEcp256, Octets(32, 0)).ok());
    EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kEcp256, Octets(32, 0xff)).ok());
    EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kModp2048, Octets{0}).ok());
    EXPECT_FALSE(DhKeyPair::from_private_key(DhGroup::kCurve25519, Octets(31, 1)).ok());
}

}  // namespace
}  // namespace hnbsec::ike
