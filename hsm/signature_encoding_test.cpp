#include "hsm/signature_encoding.h"

#include <gtest/gtest.h>

namespace hnbsec::hsm {
namespace {

TEST(SignatureEncoding, DigestOfAbcMatchesFips180) {
    const std::uint8_t abc[] = {'a', 'b', 'c'};
    auto d = digest(HashAlgorithm::kSha256, abc);
    ASSERT_TRUE(d.ok());
    ASSERT_EQ(d->size(), 32u);
    EXPECT_EQ((*d)[0], 0xba);
    EXPECT_EQ((*d)[31], 0xad);
    EXPECT_EQ(digest(HashAlgorithm::kSha384, abc)->size(), 48u);
    EXPECT_EQ(digest(HashAlgorithm::kSha512, abc)->size(), 64u);
}

TEST(SignatureEncoding, DigestInfoPrefixesAndLength) {
    std::vector<std::uint8_t> d(32, 0xaa);
    auto info = digest_info(HashAlgorithm::kSha256, d);
    ASSERT_TRUE(info.ok());
    ASSERT_EQ(info->size(), 19u + 32u);
    EXPECT_EQ((*info)[0], 0x30);
    EXPECT_EQ((*info)[1], 0x31);   // SEQUENCE of 49 bytes
    EXPECT_EQ((*info)[14], 0x01);  // ...04 02 01 = id-sha256
    EXPECT_FALSE(digest_info(HashAlgorithm::kSha384, d).ok());
}

TEST(SignatureEncoding, EcdsaRawToDerStripsLeadingZerosAndPadsHighBit) {
    std::vector<std::uint8_t> raw(64, 0);
    raw[31] = 0x05;  // r = 5
    raw[32] = 0x80;  // s has its high bit set: DER needs a 0x00 pad
    raw[63] = 0x01;
    auto der = ecdsa_raw_to_der(raw);
    ASSERT_TRUE(der.ok()) << der.error().message();
    // 30 len 02 01 05 02 21 00 80 ... 01
    ASSERT_GE(der->size(), 8u);
    EXPECT_EQ((*der)[0], 0x30);
    EXPECT_EQ((*der)[2], 0x02);
    EXPECT_EQ((*der)[3], 0x01);
    EXPECT_EQ((*der)[4], 0x05);
    EXPECT_EQ((*der)[5], 0x02);
    EXPECT_EQ((*der)[6], 0x21);
    EXPECT_EQ((*der)[7], 0x00);
    EXPECT_EQ((*der)[8], 0x80);
}

TEST(SignatureEncoding, EcdsaRawToDerRejectsOddLength) {
    EXPECT_FALSE(ecdsa_raw_to_der(std::vector<std::uint8_t>(63)).ok());
}

}  // namespace
}  // namespace hnbsec::hsm
