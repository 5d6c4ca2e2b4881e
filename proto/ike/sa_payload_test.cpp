// SA payload (RFC 7296 §3.3): parse, create and edit, from testdata/payloads.hex.

#include <gtest/gtest.h>

#include "proto/ike/payload_test_support.h"
#include "proto/ike/sa.h"

namespace hnbsec::ike {
namespace {

using testing::encoded_hex;
using testing::fixture_hex;
using testing::hex;
using testing::parse_fixture;

// transform_ids.h numbers, spelled out: the codec keeps IDs as plain integers.
constexpr std::uint16_t kEncrAesCbc = 12;
constexpr std::uint16_t kEncrAesGcm16 = 20;
constexpr std::uint16_t kIntegHmacSha256_128 = 12;
constexpr std::uint16_t kPrfHmacSha256 = 5;
constexpr std::uint16_t kDhModp2048 = 14;
constexpr std::uint16_t kDhEcp256 = 19;

Sa ike_sa_of_strongswan() {
    Sa sa;
    sa.proposals.push_back(proposal(
        1, ProtocolId::kIke, {},
        {transform_with_key_length(TransformType::kEncr, kEncrAesCbc, 128),
         transform(TransformType::kInteg, kIntegHmacSha256_128),
         transform(TransformType::kPrf, kPrfHmacSha256), transform(TransformType::kDh, kDhModp2048)}));
    return sa;
}

TEST(SaPayload, ParsesIkeProposal) {
    Payload p = parse_fixture("sa_ike");
    const Sa* sa = p.as<Sa>();
    ASSERT_NE(sa, nullptr);
    EXPECT_FALSE(p.critical);
    ASSERT_EQ(sa->proposals.size(), 1u);
    const Proposal& prop = sa->proposals[0];
    EXPECT_EQ(prop.number, 1);
    EXPECT_EQ(prop.protocol, ProtocolId::kIke);
    EXPECT_TRUE(prop.spi.empty());
    ASSERT_EQ(prop.transforms.size(), 4u);
    EXPECT_EQ(prop.transforms[0].type, TransformType::kEncr);
    EXPECT_EQ(prop.transforms[0].id, kEncrAesCbc);
    EXPECT_EQ(key_length(prop.transforms[0]), 128);
    EXPECT_EQ(prop.transforms[1].type, TransformType::kInteg);
    EXPECT_EQ(prop.transforms[1].id, kIntegHmacSha256_128);
    EXPECT_EQ(prop.transforms[2].type, TransformType::kPrf);
    EXPECT_EQ(prop.transforms[2].id, kPrfHmacSha256);
    EXPECT_EQ(prop.transforms[3].type, TransformType::kDh);
    EXPECT_EQ(prop.transforms[3].id, kDhModp2048);
    EXPECT_FALSE(key_length(prop.transforms[3]).has_value());
}

TEST(SaPayload, CreatesIkeProposal) {
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kSa, ike_sa_of_strongswan())), fixture_hex("sa_ike"));
}

TEST(SaPayload, EditsDhGroupAndKeyLength) {
    Payload p = parse_fixture("sa_ike");
    Proposal& prop = p.as<Sa>()->proposals[0];
    prop.transforms[3].id = kDhEcp256;
    prop.transforms[0].attributes[0].value = std::uint16_t{256};
    EXPECT_EQ(encoded_hex(p), fixture_hex("sa_ike_edited"));
}

TEST(SaPayload, ParsesEspProposalWithSpi) {
    Payload p = parse_fixture("sa_esp");
    const Proposal& prop = p.as<Sa>()->proposals.at(0);
    EXPECT_EQ(prop.protocol, ProtocolId::kEsp);
    EXPECT_EQ(prop.spi, hex("11863e9d"));
    ASSERT_EQ(prop.transforms.size(), 3u);
    EXPECT_EQ(transforms_of(prop, TransformType::kEsn).size(), 1u);
    EXPECT_EQ(transforms_of(prop, TransformType::kEsn)[0]->id, 0);
    EXPECT_TRUE(transforms_of(prop, TransformType::kPrf).empty());
}

TEST(SaPayload, CreatesEspProposalWithSpi) {
    Sa sa;
    sa.proposals.push_back(proposal(
        1, ProtocolId::kEsp, hex("11863e9d"),
        {transform_with_key_length(TransformType::kEncr, kEncrAesCbc, 128),
         transform(TransformType::kInteg, kIntegHmacSha256_128), transform(TransformType::kEsn, 0)}));
    EXPECT_EQ(encoded_hex(make_payload(PayloadType::kSa, sa)), fixture_hex("sa_esp"));
}

TEST(SaPayload, EditAddsSecondProposalAndLastSubstrucFollows) {
    Payload p = parse_fixture("sa_esp");
    p.as<Sa>()->proposals.push_back(
        proposal(2, ProtocolId::kEsp, hex("11863e9d"),
                 {transform_with_key_length(TransformType::kEncr, kEncrAesGcm16, 128),
                  transform(TransformType::kEsn, 0)}));
    EXPECT_EQ(encoded_hex(p), fixture_hex("sa_esp_two_proposals"));
    Payload back = parse_fixture("sa_esp_two_proposals");
    EXPECT_EQ(back, p);
}

TEST(SaPayload, TlvAttributeRoundTrips) {
    Sa sa = ike_sa_of_strongswan();
    // An attribute type without a registry entry, in TLV format (AF bit clear).
    sa.proposals[0].transforms[1].attributes.push_back(
        TransformAttribute{static_cast<TransformAttributeType>(0x1234), Bytes{0xca, 0xfe, 0x01}});
    Payload p = make_payload(PayloadType::kSa, sa);
    std::string h = encoded_hex(p);
    // INTEG transform: length 8 + 4 (type, length) + 3 value octets.
    EXPECT_NE(h.find("0300000f0300000c12340003cafe01"), std::string::npos) << h;
    auto back = decode_payloads(PayloadType::kSa, hex(h));
    ASSERT_TRUE(back.ok()) << back.error().what();
    EXPECT_EQ(back->at(0), p);
}

TEST(SaPayload, ReservedOctetsAreKeptAsSeen) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "sa_ike").bytes;
    bytes[5] = 0x5a;   // proposal RESERVED
    bytes[13] = 0x01;  // first transform RESERVED after Last Substruc
    bytes[17] = 0x02;  // first transform RESERVED after Transform Type
    auto decoded = decode_payloads(PayloadType::kSa, bytes);
    ASSERT_TRUE(decoded.ok()) << decoded.error().what();
    const Proposal& prop = decoded->at(0).as<Sa>()->proposals[0];
    EXPECT_EQ(prop.reserved, 0x5a);
    EXPECT_EQ(prop.transforms[0].reserved1, 0x01);
    EXPECT_EQ(prop.transforms[0].reserved2, 0x02);
    auto encoded = encode_payloads(*decoded);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(*encoded, bytes);
}

TEST(SaPayload, RejectsWrongLastSubstruc) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "sa_ike").bytes;
    bytes[4] = 2;  // announces a second proposal that is not there
    auto more = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.error().what(),
              "test: payload 1 (SA): proposal 1: Last Substruc 2 at offset 4 announces another proposal, "
              "but this is the last");
    bytes[4] = 7;
    auto bad = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(
        bad.error().what(),
        "test: payload 1 (SA): proposal 1: Last Substruc 7 at offset 4 is neither 0 (last) nor 2 (more)");
}

TEST(SaPayload, RejectsTransformCountMismatch) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "sa_ike").bytes;
    bytes[11] = 3;  // Num Transforms 3, but 4 are there
    auto fewer = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(fewer.ok());
    EXPECT_EQ(fewer.error().what(),
              "test: payload 1 (SA): proposal 1: transform 3: Last Substruc 3 at offset 32 announces another "
              "transform, but this is the last");
    bytes[11] = 200;  // more than could fit
    auto more = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(more.ok());
    EXPECT_EQ(more.error().what(),
              "test: payload 1 (SA): proposal 1: Num Transforms 200 at offset 11 needs at least 1600 bytes, "
              "36 bytes left");
}

TEST(SaPayload, RejectsTransformLengthBeyondProposal) {
    Bytes bytes = testing::fixture(testing::kPayloadsFile, "sa_ike").bytes;
    bytes[15] = 0x40;  // first Transform Length 64
    auto r = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(
        r.error().what(),
        "test: payload 1 (SA): proposal 1: transform 1: Transform Length 64 exceeds the remaining 36 bytes "
        "at offset 12");
}

TEST(SaPayload, RejectsAttributeLengthBeyondTransform) {
    // TLV attribute claiming 9 octets with 2 left in its transform.
    Bytes bytes =
        hex("00000018"
            "00000014"
            "01010001"
            "0000000c"
            "0100000c"
            "000e0009");
    auto r = decode_payloads(PayloadType::kSa, bytes, "test");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "test: payload 1 (SA): proposal 1: transform 1: attribute 1: Attribute Length 9 exceeds the "
              "remaining 0 bytes at offset 24");
}

TEST(SaPayload, EncoderRejectsValuesThatDoNotFit) {
    Sa sa = ike_sa_of_strongswan();
    sa.proposals[0].spi.assign(256, 0xab);
    auto r = encode_payloads(std::vector<Payload>{make_payload(PayloadType::kSa, sa)});
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "encoding payloads: payload 1 (SA): proposal 1: SPI Size 256 does not fit 1 byte");
}

}  // namespace
}  // namespace hnbsec::ike
