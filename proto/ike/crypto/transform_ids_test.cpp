#include "proto/ike/transform_ids.h"

#include <gtest/gtest.h>

namespace hnbsec::ike {
namespace {

TEST(TransformIds, IanaValues) {
    EXPECT_EQ(static_cast<int>(EncrId::kAesCbc), 12);
    EXPECT_EQ(static_cast<int>(EncrId::kAesGcm16), 20);
    EXPECT_EQ(static_cast<int>(EncrId::kChacha20Poly1305), 28);
    EXPECT_EQ(static_cast<int>(PrfId::kHmacSha2_256), 5);
    EXPECT_EQ(static_cast<int>(IntegId::kHmacSha2_512_256), 14);
    EXPECT_EQ(static_cast<int>(DhGroup::kModp2048), 14);
    EXPECT_EQ(static_cast<int>(DhGroup::kCurve25519), 31);
    EXPECT_EQ(static_cast<int>(AuthMethod::kDigitalSignature), 14);
}

TEST(TransformIds, Names) {
    EXPECT_EQ(to_string(EncrId::kAesGcm16), "ENCR_AES_GCM_16");
    EXPECT_EQ(to_string(PrfId::kHmacSha2_384), "PRF_HMAC_SHA2_384");
    EXPECT_EQ(to_string(IntegId::kHmacSha2_256_128), "AUTH_HMAC_SHA2_256_128");
    EXPECT_EQ(to_string(DhGroup::kEcp384), "ECP_384");
    EXPECT_EQ(to_string(static_cast<EncrId>(1024)), "ENCR_UNKNOWN_1024");
    EXPECT_EQ(to_string(static_cast<DhGroup>(99)), "DH_GROUP_UNKNOWN_99");
}

TEST(Proposal, ParsesTheLabProposal) {
    auto p = parse_proposal("aes128-sha256-modp2048");
    ASSERT_TRUE(p.ok()) << p.error().message();
    ASSERT_EQ(p->encr.size(), 1u);
    EXPECT_EQ(p->encr[0], (EncrChoice{EncrId::kAesCbc, 128}));
    EXPECT_EQ(p->integ, std::vector<IntegId>{IntegId::kHmacSha2_256_128});
    // strongSwan derives the PRF from the integrity algorithm when none is named.
    EXPECT_EQ(p->prf, std::vector<PrfId>{PrfId::kHmacSha2_256});
    EXPECT_EQ(p->dh, std::vector<DhGroup>{DhGroup::kModp2048});
    EXPECT_EQ(format_proposal(*p), "aes128-sha256-prfsha256-modp2048");
}

TEST(Proposal, ParsesAnAeadProposal) {
    auto p = parse_proposal("aes256gcm16-prfsha384-ecp384");
    ASSERT_TRUE(p.ok()) << p.error().message();
    EXPECT_EQ(p->encr[0], (EncrChoice{EncrId::kAesGcm16, 256}));
    EXPECT_TRUE(p->integ.empty());
    EXPECT_EQ(p->prf, std::vector<PrfId>{PrfId::kHmacSha2_384});
    EXPECT_EQ(p->dh, std::vector<DhGroup>{DhGroup::kEcp384});
    EXPECT_EQ(format_proposal(*p), "aes256gcm16-prfsha384-ecp384");
}

TEST(Proposal, AcceptsStrongSwanSynonyms) {
    EXPECT_EQ(parse_proposal("aes-sha1-modp1024")->encr[0], (EncrChoice{EncrId::kAesCbc, 128}));
    EXPECT_EQ(parse_proposal("aes128gcm128-prfsha256-x25519")->encr[0], (EncrChoice{EncrId::kAesGcm16, 128}));
    EXPECT_EQ(parse_proposal("aes192gcm96-prfsha256-ecp256")->encr[0], (EncrChoice{EncrId::kAesGcm12, 192}));
    EXPECT_EQ(parse_proposal("aes256gcm64-prfsha256-ecp256")->encr[0], (EncrChoice{EncrId::kAesGcm8, 256}));
    EXPECT_EQ(parse_proposal("aes128gcm-prfsha256-ecp256")->encr[0], (EncrChoice{EncrId::kAesGcm16, 128}));
    EXPECT_EQ(parse_proposal("chacha20poly1305-prfsha256-curve25519")->encr[0],
              (EncrChoice{EncrId::kChacha20Poly1305, 0}));
    EXPECT_EQ(parse_proposal("3des-sha2_256-modp1536")->integ[0], IntegId::kHmacSha2_256_128);
}

TEST(Proposal, SeveralAlgorithmsPerTypeKeepTheirOrder) {
    auto p = parse_proposal("aes256-aes128-sha384-sha256-ecp384-modp2048");
    ASSERT_TRUE(p.ok()) << p.error().message();
    EXPECT_EQ(p->encr.size(), 2u);
    EXPECT_EQ(p->prf, (std::vector<PrfId>{PrfId::kHmacSha2_384, PrfId::kHmacSha2_256}));
    EXPECT_EQ(format_proposal(*p), "aes256-aes128-sha384-sha256-prfsha384-prfsha256-ecp384-modp2048");
    EXPECT_EQ(parse_proposal(format_proposal(*p)).value(), *p);
}

TEST(Proposal, EspProposals) {
    auto p = parse_proposal("aes128-sha256", ProposalProtocol::kEsp);
    ASSERT_TRUE(p.ok()) << p.error().message();
    EXPECT_TRUE(p->prf.empty());
    EXPECT_TRUE(p->dh.empty());
    EXPECT_EQ(p->esn, std::vector<EsnId>{EsnId::kNoEsn});
    EXPECT_EQ(format_proposal(*p), "aes128-sha256");
    auto pfs = parse_proposal("aes256gcm16-ecp256-esn", ProposalProtocol::kEsp);
    ASSERT_TRUE(pfs.ok()) << pfs.error().message();
    EXPECT_EQ(pfs->esn, std::vector<EsnId>{EsnId::kEsn});
    EXPECT_EQ(format_proposal(*pfs), "aes256gcm16-ecp256-esn");
    EXPECT_EQ(parse_proposal(format_proposal(*pfs), ProposalProtocol::kEsp).value(), *pfs);
}

TEST(Proposal, ErrorsNameTheProblem) {
    auto expect_error = [](std::string_view text, ProposalProtocol protocol, std::string_view fragment) {
        auto p = parse_proposal(text, protocol);
        ASSERT_FALSE(p.ok()) << text;
        EXPECT_NE(p.error().what().find(fragment), std::string::npos) << p.error().what();
    };
    expect_error("aes128-sha256-modp2047", ProposalProtocol::kIke, "unknown algorithm 'modp2047'");
    expect_error("aes128-sha256", ProposalProtocol::kIke, "Diffie-Hellman group is mandatory");
    expect_error("aes128gcm16-ecp256", ProposalProtocol::kIke, "PRF is mandatory");
    expect_error("aes128gcm16-sha256-ecp256", ProposalProtocol::kIke, "no integrity algorithm");
    expect_error("aes128-aes128gcm16-sha256-ecp256", ProposalProtocol::kIke, "AEAD and non-AEAD");
    expect_error("aes128-modp2048", ProposalProtocol::kIke, "integrity algorithm is mandatory");
    expect_error("null-sha256-modp2048", ProposalProtocol::kIke, "ENCR_NULL");
    expect_error("aes128-sha256-esn-modp2048", ProposalProtocol::kIke, "ESN");
    expect_error("aes128-sha256-prfsha256", ProposalProtocol::kEsp, "not allowed in ESP");
    expect_error("aes128-sha256-sha256-modp2048", ProposalProtocol::kIke, "appears twice");
    expect_error("aes128--sha256-modp2048", ProposalProtocol::kIke, "empty algorithm");
    expect_error("", ProposalProtocol::kIke, "empty");
    expect_error("sha256-modp2048", ProposalProtocol::kIke, "encryption algorithm is mandatory");
    expect_error("aes512-sha256-modp2048", ProposalProtocol::kIke, "unknown algorithm");
}

}  // namespace
}  // namespace hnbsec::ike
