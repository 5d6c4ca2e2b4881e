// The SeGW's device certificate check against the test PKI's good and broken devices.

#include "harness/roles/segw/peer_certificate_check.h"

#include <fstream>
#include <iterator>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "fixtures/pki/test_support.h"

namespace hnbsec::segw {
namespace {

using testing::HasSubstr;
constexpr const char* kIdentity = "00A0C9000001.hnb.lab.test";

class PeerCertificateCheck : public testing::Test {
protected:
    static const pki::Manifest& manifest() {
        const auto& shared = pki::testing::shared_pki();
        EXPECT_TRUE(shared.manifest.ok()) << shared.manifest.error().message();
        return *shared.manifest;
    }
    static Der read(const std::string& name, const std::string& which = "der") {
        const pki::Entry* entry = manifest().find(name);
        EXPECT_NE(entry, nullptr) << name;
        std::ifstream in(manifest().file(*entry, which), std::ios::binary);
        return Der(std::istreambuf_iterator<char>(in), {});
    }
    static PeerCheckPolicy policy() {
        PeerCheckPolicy p;
        p.trust_anchors = {read("vendor-root-ca")};
        p.crls = {read("vendor-root-ca.crl")};
        p.expected_identity = kIdentity;
        return p;
    }
};

TEST_F(PeerCertificateCheck, GoodDeviceIsAccepted) {
    auto result = check_peer_certificate({read("device-file")}, kIdentity, policy());
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_NE(result->public_key, nullptr);
    EXPECT_THAT(result->dns_names, testing::ElementsAre(kIdentity));
    EXPECT_THAT(result->subject, HasSubstr(std::string("CN=") + kIdentity));
}

TEST_F(PeerCertificateCheck, IdentityComparisonIgnoresCase) {
    auto p = policy();
    p.expected_identity = "00a0c9000001.HNB.lab.test";
    EXPECT_TRUE(check_peer_certificate({read("device-file")}, "00a0c9000001.hnb.LAB.test", p).ok());
}

TEST_F(PeerCertificateCheck, RevokedDeviceIsRefusedByCrl) {
    auto result = check_peer_certificate({read("device-revoked")}, kIdentity, policy());
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().what(), HasSubstr("certificate revoked"));
}

TEST_F(PeerCertificateCheck, WithoutCrlRevokedIsNotDetected) {
    auto p = policy();
    p.crls.clear();
    EXPECT_TRUE(check_peer_certificate({read("device-revoked")}, kIdentity, p).ok());
}

TEST_F(PeerCertificateCheck, UntrustedDeviceIsRefused) {
    auto result = check_peer_certificate({read("device-untrusted")}, kIdentity, policy());
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().what(), HasSubstr("unable to get local issuer certificate"));
}

TEST_F(PeerCertificateCheck, ExpiredAndNotYetValidAreRefused) {
    EXPECT_THAT(check_peer_certificate({read("device-expired")}, kIdentity, policy()).error().what(),
                HasSubstr("certificate has expired"));
    EXPECT_THAT(check_peer_certificate({read("device-not-yet-valid")}, kIdentity, policy()).error().what(),
                HasSubstr("certificate is not yet valid"));
}

TEST_F(PeerCertificateCheck, IdiMustBeInTheCertificate) {
    auto result = check_peer_certificate({read("device-file")}, "00A0C9000002.hnb.lab.test", policy());
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().what(), HasSubstr("is not a dNSName of the certificate"));
    EXPECT_THAT(result.error().what(), HasSubstr(kIdentity));
}

TEST_F(PeerCertificateCheck, IdentityMustBeTheProfilesDut) {
    const pki::Entry* other = manifest().find("device-wrong-identity");
    ASSERT_NE(other, nullptr);
    ASSERT_FALSE(other->san.empty());
    const std::string other_id = other->san.front().substr(4);  // "DNS:<name>"
    auto result = check_peer_certificate({read("device-wrong-identity")}, other_id, policy());
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().what(), HasSubstr("is not the DUT identity"));
}

TEST_F(PeerCertificateCheck, EcChainWithIntermediateFromPayloads) {
    // The EC operator chain: segw-ec signed by operator-ca-ec, anchored at operator-root-ca-ec.
    PeerCheckPolicy p;
    p.trust_anchors = {read("operator-root-ca-ec")};
    auto result = check_peer_certificate({read("segw-ec"), read("operator-ca-ec")}, "segw.lab.test", p);
    ASSERT_TRUE(result.ok()) << result.error().message();
    auto without_intermediate = check_peer_certificate({read("segw-ec")}, "segw.lab.test", p);
    EXPECT_FALSE(without_intermediate.ok());
}

TEST_F(PeerCertificateCheck, GarbageIsAClearError) {
    EXPECT_THAT(check_peer_certificate({}, kIdentity, policy()).error().what(), HasSubstr("no certificate"));
    EXPECT_THAT(check_peer_certificate({Der{0x30, 0x03, 0x02}}, kIdentity, policy()).error().what(),
                HasSubstr("is not a DER X.509 certificate"));
    auto p = policy();
    p.trust_anchors.clear();
    EXPECT_THAT(check_peer_certificate({read("device-file")}, kIdentity, p).error().what(),
                HasSubstr("no trust anchor"));
}

}  // namespace
}  // namespace hnbsec::segw
