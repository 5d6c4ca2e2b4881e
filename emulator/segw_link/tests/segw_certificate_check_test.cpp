// The device's SeGW check against the test PKI's good and broken SeGW certificates, with
// OCSP responses signed here by the operator CA, its delegated responder and an
// unauthorised key; each validator defect turns exactly its check off.

#include "emulator/segw_link/segw_certificate_check.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/ossl/test_material.h"

namespace hnbsec::emulator {
namespace {

using ::testing::HasSubstr;
constexpr const char* kSegwFqdn = "segw.lab.test";

using ossl::testing::file_of;

std::vector<Der> chain_of(const std::string& name) {
    auto chain = read_pem_certificates(file_of(name, "chain"));
    EXPECT_TRUE(chain.ok()) << name;
    return chain.ok() ? *chain : std::vector<Der>{};
}

ike::Id fqdn(const std::string& name) {
    return ike::Id{ike::IdType::kFqdn, ike::Bytes(name.begin(), name.end())};
}

SegwCheckPolicy policy() {
    SegwCheckPolicy p;
    auto anchors = read_pem_certificates(file_of("operator-trust", "pem"));
    EXPECT_TRUE(anchors.ok());
    if (anchors.ok()) p.trust_anchors = *anchors;
    p.segw_fqdn = kSegwFqdn;
    p.now = std::time(nullptr);
    p.ocsp_requested = true;
    p.ocsp_required = true;
    return p;
}

// An OCSPResponse as a responder would staple it, current by the host clock.
using StapleSpec = ossl::testing::ResponseSpec;
Der staple(const StapleSpec& s) {
    return ossl::testing::ocsp_response(s, std::time(nullptr));
}

TEST(SegwCertificateCheck, GoodSegwWithGoodStapleFromTheCaIsAccepted) {
    auto r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple({}), policy());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_NE(r->public_key, nullptr);
    EXPECT_EQ(r->revocation, "OCSP good");
    EXPECT_THAT(r->subject, HasSubstr("CN=segw.lab.test"));
}

TEST(SegwCertificateCheck, StapleFromTheDelegatedResponderIsAccepted) {
    StapleSpec s;
    s.signer = "ocsp-signer";
    auto r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(s), policy());
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->revocation, "OCSP good");
}

TEST(SegwCertificateCheck, UntrustedChainIsRefusedUnlessTheDefectAcceptsIt) {
    auto p = policy();
    p.ocsp_requested = false;
    auto r = check_segw(chain_of("segw-untrusted"), fqdn(kSegwFqdn), std::nullopt, p);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("unable to get local issuer certificate"));
    p.accept_untrusted = true;
    EXPECT_TRUE(check_segw(chain_of("segw-untrusted"), fqdn(kSegwFqdn), std::nullopt, p).ok());
}

TEST(SegwCertificateCheck, ExpiredIsRefusedByTheDeviceClockUnlessTheDefectAcceptsIt) {
    auto p = policy();
    p.ocsp_requested = false;
    auto r = check_segw(chain_of("segw-expired"), fqdn(kSegwFqdn), std::nullopt, p);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("certificate has expired"));
    // The device's clock decides, not the host's: a good certificate in 40 years.
    auto later = p;
    later.now += 40L * 365 * 86400;
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn(kSegwFqdn), std::nullopt, later).error().message(),
                HasSubstr("expired"));
    p.accept_expired = true;
    auto accepted = check_segw(chain_of("segw-expired"), fqdn(kSegwFqdn), std::nullopt, p);
    EXPECT_TRUE(accepted.ok()) << accepted.error().message();
}

TEST(SegwCertificateCheck, IdentityMustBeTheConfiguredFqdnInIdrAndSan) {
    auto p = policy();
    p.ocsp_requested = false;
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn("other.lab.test"), std::nullopt, p).error().message(),
                HasSubstr("IDr 'other.lab.test' is not the SeGW"));
    EXPECT_THAT(check_segw(chain_of("segw-wrong-san"), fqdn(kSegwFqdn), std::nullopt, p).error().message(),
                HasSubstr("does not name 'segw.lab.test'"));
    const ike::Id ip{ike::IdType::kIpv4Addr, ike::Bytes{192, 0, 2, 1}};
    EXPECT_THAT(check_segw(chain_of("segw"), ip, std::nullopt, p).error().message(),
                HasSubstr("not ID_FQDN"));
    p.skip_identity = true;
    EXPECT_TRUE(check_segw(chain_of("segw-wrong-san"), fqdn(kSegwFqdn), std::nullopt, p).ok());
    EXPECT_TRUE(check_segw(chain_of("segw"), fqdn("other.lab.test"), std::nullopt, p).ok());
}

TEST(SegwCertificateCheck, RevokedStapleIsRefusedUnlessTheDefectIgnoresIt) {
    StapleSpec s;
    s.certificate = "segw-revoked";
    s.status = V_OCSP_CERTSTATUS_REVOKED;
    auto p = policy();
    auto r = check_segw(chain_of("segw-revoked"), fqdn(kSegwFqdn), staple(s), p);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("is revoked: OCSP revoked (reason keyCompromise)"));
    p.ignore_ocsp_revoked = true;
    r = check_segw(chain_of("segw-revoked"), fqdn(kSegwFqdn), staple(s), p);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_THAT(r->revocation, HasSubstr("OCSP revoked"));
}

TEST(SegwCertificateCheck, MissingStapleIsRefusedWhenRequiredAndSoftFailsOtherwise) {
    auto p = policy();
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn(kSegwFqdn), std::nullopt, p).error().message(),
                HasSubstr("stapled no OCSP response"));
    p.ocsp_required = false;
    auto r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), std::nullopt, p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->revocation, "no OCSP staple (soft-fail)");
    p.ocsp_requested = false;  // defect no-ocsp-certreq: not asked, so not missed
    p.ocsp_required = true;
    r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), std::nullopt, p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->revocation, "OCSP not requested");
}

TEST(SegwCertificateCheck, StapleFromAnUnauthorisedSignerIsRefusedUnlessTheDefectAcceptsIt) {
    StapleSpec s;
    s.signer = "hems";  // issued by the operator CA, but without id-kp-OCSPSigning
    auto p = policy();
    auto r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(s), p);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("signature or signer is not trusted"));
    s.signer = "ocsp-signer-vendor";  // an OCSP signer, of another CA
    EXPECT_FALSE(check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(s), p).ok());
    p.accept_unverified_ocsp = true;
    r = check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(s), p);
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->revocation, "OCSP good (signature not verified)");
}

TEST(SegwCertificateCheck, StaleOrFutureStapleIsRefusedByTheDeviceClock) {
    StapleSpec stale;
    stale.this_update_offset = -7200;
    stale.next_update_offset = -3600;
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(stale), policy()).error().message(),
                HasSubstr("nextUpdate passed"));
    StapleSpec future;
    future.this_update_offset = 3600;
    future.next_update_offset = 7200;
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn(kSegwFqdn), staple(future), policy()).error().message(),
                HasSubstr("ahead of the device clock"));
}

TEST(SegwCertificateCheck, GarbageStapleIsRefused) {
    EXPECT_THAT(check_segw(chain_of("segw"), fqdn(kSegwFqdn), Der{0x30, 0x03, 0x0a, 0x01, 0x00}, policy())
                    .error()
                    .message(),
                HasSubstr("OCSP"));
    EXPECT_FALSE(check_segw(chain_of("segw"), fqdn(kSegwFqdn), Der{1, 2, 3}, policy()).ok());
}

}  // namespace
}  // namespace hnbsec::emulator
