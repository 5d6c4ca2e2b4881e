#include "proto/ike/crypto/prf.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::repeat;
using testing::to_hex;

struct HmacCase {
    Octets key;
    Octets data;
};

// RFC 4231 §4.2-§4.8 (and RFC 2202 §3 for keys/data of the SHA-1 cases 1-5).
std::vector<HmacCase> rfc4231_cases() {
    Octets key4;
    for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<std::uint8_t>(i));
    return {
        {repeat(0x0b, 20), ascii("Hi There")},
        {ascii("Jefe"), ascii("what do ya want for nothing?")},
        {repeat(0xaa, 20), repeat(0xdd, 50)},
        {key4, repeat(0xcd, 50)},
        {repeat(0x0c, 20), ascii("Test With Truncation")},
        {repeat(0xaa, 131), ascii("Test Using Larger Than Block-Size Key - Hash Key First")},
        {repeat(0xaa, 131),
         ascii("This is a test using a larger than block-size key and a larger than block-size data. The key "
               "needs to be hashed before being used by the HMAC algorithm.")},
    };
}

void expect_rfc4231(PrfId id, const std::vector<std::string>& expected) {
    auto cases = rfc4231_cases();
    ASSERT_EQ(cases.size(), expected.size());
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto out = prf(id, cases[i].key, cases[i].data);
        ASSERT_TRUE(out.ok()) << out.error().message();
        ASSERT_EQ(out->size(), prf_output_size(id));
        // Test case 5 publishes only the first 128 bits.
        EXPECT_EQ(to_hex(*out).substr(0, expected[i].size()), expected[i]) << "RFC 4231 test case " << i + 1;
    }
}

TEST(Prf, HmacSha256MatchesRfc4231) {
    expect_rfc4231(PrfId::kHmacSha2_256,
                   {
                       "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7",
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                       "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe",
                       "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b",
                       "a3b6167473100ee06e0c796c2955552b",
                       "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54",
                       "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2",
                   });
}

// The long digests are split over two adjacent literals on purpose.
// NOLINTBEGIN(bugprone-suspicious-missing-comma)
TEST(Prf, HmacSha384MatchesRfc4231) {
    expect_rfc4231(PrfId::kHmacSha2_384,
                   {
                       "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59c"
                       "faea9ea9076ede7f4af152e8b2fa9cb6",
                       "af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e"
                       "8e2240ca5e69e2c78b3239ecfab21649",
                       "88062608d3e6ad8a0aa2ace014c8a86f0aa635d947ac9febe83ef4e55966144b"
                       "2a5ab39dc13814b94e3ab6e101a34f27",
                       "3e8a69b7783c25851933ab6290af6ca77a9981480850009cc5577c6e1f573b4e"
                       "6801dd23c4a7d679ccf8a386c674cffb",
                       "3abf34c3503b2a23a46efc619baef897",
                       "4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c6"
                       "0c2ef6ab4030fe8296248df163f44952",
                       "6617178e941f020d351e2f254e8fd32c602420feb0b8fb9adccebb82461e99c5"
                       "a678cc31e799176d3860e6110c46523e",
                   });
}

TEST(Prf, HmacSha512MatchesRfc4231) {
    expect_rfc4231(PrfId::kHmacSha2_512,
                   {
                       "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cde"
                       "daa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854",
                       "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea250554"
                       "9758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737",
                       "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39"
                       "bf3e848279a722c806b485a47e67c807b946a337bee8942674278859e13292fb",
                       "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3db"
                       "a91ca5c11aa25eb4d679275cc5788063a5f19741120c4f2de2adebeb10a298dd",
                       "415fad6271580a531d4179bc891d87a6",
                       "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f352"
                       "6b56d037e05f2598bd0fd2215d6a1e5295e64f73f63f0aec8b915a985d786598",
                       "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944"
                       "b6022cac3c4982b10d5eeb55c3e4de15134676fb6de0446065c97440fa8c6a58",
                   });
}

// NOLINTEND(bugprone-suspicious-missing-comma)

// RFC 2202 §3, test cases 1-7.
TEST(Prf, HmacSha1MatchesRfc2202) {
    Octets key4;
    for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<std::uint8_t>(i));
    const std::vector<std::tuple<Octets, Octets, std::string>> cases = {
        {repeat(0x0b, 20), ascii("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
        {ascii("Jefe"), ascii("what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
        {repeat(0xaa, 20), repeat(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
        {key4, repeat(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
        {repeat(0x0c, 20), ascii("Test With Truncation"), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
        {repeat(0xaa, 80), ascii("Test Using Larger Than Block-Size Key - Hash Key First"),
         "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
        {repeat(0xaa, 80), ascii("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
         "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto out = prf(PrfId::kHmacSha1, std::get<0>(cases[i]), std::get<1>(cases[i]));
        ASSERT_TRUE(out.ok()) << out.error().message();
        EXPECT_EQ(to_hex(*out), std::get<2>(cases[i])) << "RFC 2202 test case " << i + 1;
    }
}

TEST(Prf, SizesFollowRfc4868) {
    EXPECT_EQ(prf_output_size(PrfId::kHmacSha1), 20u);
    EXPECT_EQ(prf_output_size(PrfId::kHmacSha2_256), 32u);
    EXPECT_EQ(prf_key_size(PrfId::kHmacSha2_384), 48u);
    EXPECT_EQ(prf_key_size(PrfId::kHmacSha2_512), 64u);
    EXPECT_FALSE(prf_supported(PrfId::kAes128Xcbc));
    EXPECT_FALSE(prf(PrfId::kAes128Xcbc, repeat(1, 16), repeat(2, 4)).ok());
}

TEST(Prf, ConcatenatedInputEqualsOneBuffer) {
    const Octets a = ascii("what do ya ");
    const Octets b = ascii("want for nothing?");
    auto split = prf(PrfId::kHmacSha2_256, ascii("Jefe"), {a, b});
    ASSERT_TRUE(split.ok());
    EXPECT_EQ(to_hex(*split), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(Prf, EmptyKeyIsAllowed) {
    // HMAC-SHA256 with an empty key and empty message, a well-known value.
    auto out = prf(PrfId::kHmacSha2_256, Octets{}, Octets{});
    ASSERT_TRUE(out.ok()) << out.error().message();
    EXPECT_EQ(to_hex(*out), "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

// prf+ rebuilt from its definition (RFC 7296 §2.13) with prf() itself:
// T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n).
Octets prf_plus_by_definition(PrfId id, const Octets& key, const Octets& seed, std::size_t length) {
    Octets out;
    Octets t;
    for (int n = 1; out.size() < length; ++n) {
        Octets input = t;
        input.insert(input.end(), seed.begin(), seed.end());
        input.push_back(static_cast<std::uint8_t>(n));
        t = prf(id, key, input).value();
        out.insert(out.end(), t.begin(), t.end());
    }
    out.resize(length);
    return out;
}

TEST(PrfPlus, MatchesItsDefinition) {
    const Octets key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    const Octets seed = ascii("Ni | Nr | SPIi | SPIr stand-in");
    for (PrfId id : {PrfId::kHmacSha1, PrfId::kHmacSha2_256, PrfId::kHmacSha2_384, PrfId::kHmacSha2_512}) {
        for (std::size_t length : {std::size_t{1}, std::size_t{20}, std::size_t{32}, std::size_t{33},
                                   std::size_t{208}, std::size_t{1000}}) {
            auto out = prf_plus(id, key, seed, length);
            ASSERT_TRUE(out.ok()) << out.error().message();
            EXPECT_EQ(*out, prf_plus_by_definition(id, key, seed, length))
                << to_string(id) << " length " << length;
        }
    }
}

// Python's hmac module computed this prf+ output with its own loop (not our code):
//   K = 0x0b * 32, S = "IKEv2 prf+ test", 80 octets with PRF_HMAC_SHA2_256.
TEST(PrfPlus, MatchesIndependentComputation) {
    auto out = prf_plus(PrfId::kHmacSha2_256, repeat(0x0b, 32), ascii("IKEv2 prf+ test"), 80);
    ASSERT_TRUE(out.ok()) << out.error().message();
    EXPECT_EQ(to_hex(*out),
              "75b36b2afa4d600fbe1277e62cb1c13563bf3bb1fcfe1c3799663ba673e8647d"
              "431bb159ce5724a9e03866b914aa8085de8e16a530627857a5c97c6090641cb3"
              "a3a6a6f3d2c9ba5ac1a7fe033e79ead8");
}

TEST(PrfPlus, At255BlocksItStops) {
    const Octets key = repeat(0x42, 32);
    auto max = prf_plus(PrfId::kHmacSha2_256, key, ascii("seed"), std::size_t{255} * 32);
    ASSERT_TRUE(max.ok()) << max.error().message();
    EXPECT_EQ(max->size(), 255u * 32u);
    auto too_long = prf_plus(PrfId::kHmacSha2_256, key, ascii("seed"), std::size_t{255} * 32 + 1);
    ASSERT_FALSE(too_long.ok());
    EXPECT_NE(too_long.error().what().find("255"), std::string::npos) << too_long.error().what();
    EXPECT_NE(too_long.error().what().find("RFC 7296 §2.13"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::ike
