// OCSP response verification against the shared test PKI: responses signed by the CA, by
// its delegated responder, by a key the CA never authorised; stale, future, revoked.

#include "proto/ossl/ocsp_verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/ossl/chain_verify.h"
#include "proto/ossl/test_material.h"

namespace hnbsec::ossl {
namespace {

using testing::certs_of;
using testing::Der;
using ::testing::HasSubstr;
using testing::ocsp_response;
using testing::ResponseSpec;

class OcspVerify : public ::testing::Test {
protected:
    void SetUp() override {
        store_ = testing::operator_trust();
        ASSERT_NE(store_, nullptr);
        leaf_ = std::move(certs_of("segw").front());
        issuer_ = std::move(certs_of("operator-ca").front());
    }
    Result<OcspAnswer> check(const Der& response, bool verify = true) {
        OcspCheck c;
        c.certificate = leaf_.get();
        c.issuer = issuer_.get();
        c.trust = verify ? store_.get() : nullptr;
        c.now = now_;
        c.clock = "the device clock";
        return check_ocsp_response(response, c);
    }
    std::time_t now_ = std::time(nullptr);
    X509StorePtr store_;
    X509Ptr leaf_;
    X509Ptr issuer_;
};

TEST_F(OcspVerify, SignedByTheCaIsGood) {
    auto r = check(ocsp_response({}, now_));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, CertStatus::kGood);
    EXPECT_EQ(to_string(r->status), "good");
    ASSERT_TRUE(r->next_update.has_value());
    EXPECT_NEAR(static_cast<double>(*r->next_update), static_cast<double>(now_ + 3600), 1.0);
}

TEST_F(OcspVerify, SignedByTheAuthorisedResponderIsGood) {
    ResponseSpec s;
    s.signer = "ocsp-signer";
    auto r = check(ocsp_response(s, now_));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, CertStatus::kGood);
}

TEST_F(OcspVerify, UnauthorisedSignerIsRefusedUnlessTheSignatureIsNotChecked) {
    ResponseSpec s;
    s.signer = "hems";  // issued by the operator CA, without id-kp-OCSPSigning
    EXPECT_THAT(check(ocsp_response(s, now_)).error().message(),
                HasSubstr("signature or signer is not trusted"));
    s.signer = "ocsp-signer-vendor";  // an OCSP signer of another CA
    EXPECT_THAT(check(ocsp_response(s, now_)).error().message(),
                HasSubstr("signature or signer is not trusted"));
    auto unchecked = check(ocsp_response(s, now_), false);
    ASSERT_TRUE(unchecked.ok()) << unchecked.error().message();
    EXPECT_EQ(unchecked->status, CertStatus::kGood);
}

TEST_F(OcspVerify, StaleOrFutureIsRefusedByTheGivenClockWithItsTolerance) {
    ResponseSpec stale;
    stale.this_update_offset = -7200;
    stale.next_update_offset = -3600;
    EXPECT_THAT(check(ocsp_response(stale, now_)).error().message(),
                HasSubstr("outside its validity period: nextUpdate passed"));
    stale.next_update_offset = -200;  // within the 300 s tolerance
    EXPECT_TRUE(check(ocsp_response(stale, now_)).ok());
    ResponseSpec future;
    future.this_update_offset = 3600;
    future.next_update_offset = 7200;
    EXPECT_THAT(check(ocsp_response(future, now_)).error().message(), HasSubstr("ahead of the device clock"));
    // The same response is current by a clock an hour and a half later.
    now_ += 5400;
    EXPECT_TRUE(check(ocsp_response(future, now_ - 5400)).ok());
}

TEST_F(OcspVerify, RevokedCarriesTheReason) {
    leaf_ = std::move(certs_of("segw-revoked").front());
    ResponseSpec s;
    s.certificate = "segw-revoked";
    s.status = V_OCSP_CERTSTATUS_REVOKED;
    auto r = check(ocsp_response(s, now_));
    ASSERT_TRUE(r.ok()) << r.error().message();
    EXPECT_EQ(r->status, CertStatus::kRevoked);
    EXPECT_EQ(r->reason, "keyCompromise");
}

TEST_F(OcspVerify, ResponseForAnotherCertificateOrGarbageIsRefused) {
    ResponseSpec other;
    other.certificate = "hems";
    EXPECT_THAT(check(ocsp_response(other, now_)).error().message(),
                HasSubstr("no status for the certificate"));
    EXPECT_THAT(check(Der{1, 2, 3}).error().message(), HasSubstr("not a DER OCSPResponse"));
    EXPECT_THAT(check(Der{0x30, 0x03, 0x0a, 0x01, 0x00}).error().message(),
                HasSubstr("not an id-pkix-ocsp-basic"));
    EXPECT_THAT(check(Der{0x30, 0x03, 0x0a, 0x01, 0x03}).error().message(),
                HasSubstr("responseStatus trylater"));
}

}  // namespace
}  // namespace hnbsec::ossl
