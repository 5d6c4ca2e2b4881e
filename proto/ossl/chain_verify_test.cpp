// Path validation against the shared test PKI: the operator's SeGW chain, an expired
// certificate at a given time, a chain to a CA that is not trusted, and CRL checking.

#include "proto/ossl/chain_verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/ossl/certificate.h"
#include "proto/ossl/test_material.h"

namespace hnbsec::ossl {
namespace {

using testing::certs_of;
using testing::Der;
using testing::der_of;
using ::testing::HasSubstr;
using testing::operator_trust;

struct Chain {
    std::vector<X509Ptr> certs;  // end entity first
    X509RefStackPtr untrusted{sk_X509_new_null()};
    explicit Chain(const std::string& name) : certs(certs_of(name, "chain")) {
        for (std::size_t i = 1; i < certs.size(); ++i) sk_X509_push(untrusted.get(), certs[i].get());
    }
    X509* leaf() const { return certs.front().get(); }
};

TEST(ChainVerify, GoodChainVerifiesAndNamesTheIssuer) {
    const auto store = operator_trust();
    const Chain chain("segw");
    auto issuer = verify_chain(store.get(), chain.leaf(), chain.untrusted.get());
    ASSERT_TRUE(issuer.ok()) << issuer.error().message();
    EXPECT_EQ(X509_check_issued(issuer->get(), chain.leaf()), X509_V_OK);
    EXPECT_THAT(subject_of(issuer->get()), HasSubstr("Operator"));
}

TEST(ChainVerify, TheGivenTimeDecides) {
    const auto store = operator_trust();
    const Chain expired("segw-expired");
    auto r = verify_chain(store.get(), expired.leaf(), expired.untrusted.get(), {.at = std::time(nullptr)});
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("certificate has expired (X.509 error 10 at depth 0)"));
    // Within its validity period it verified: a day after notBefore.
    const Chain good("segw");
    EXPECT_TRUE(
        verify_chain(store.get(), good.leaf(), good.untrusted.get(), {.at = std::time(nullptr)}).ok());
    auto later = verify_chain(store.get(), good.leaf(), good.untrusted.get(),
                              {.at = std::time(nullptr) + 40L * 365 * 86400});
    ASSERT_FALSE(later.ok());
    EXPECT_THAT(later.error().message(), HasSubstr("expired"));
}

TEST(ChainVerify, UntrustedChainIsRefused) {
    const auto store = operator_trust();
    const Chain chain("segw-untrusted");
    auto r = verify_chain(store.get(), chain.leaf(), chain.untrusted.get());
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("unable to get local issuer certificate"));
    const Chain self_signed("segw-self-signed");
    EXPECT_FALSE(verify_chain(store.get(), self_signed.leaf(), self_signed.untrusted.get()).ok());
}

TEST(ChainVerify, TrustStoreNamesTheAnchorThatDoesNotParse) {
    auto r = trust_store({der_of(certs_of("operator-ca").front().get()), Der{0x30, 0x00}}, "trust anchor");
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.error().message(), HasSubstr("trust anchor 2 is not a DER X.509 certificate"));
}

TEST(ChainVerify, NamesOfTheCertificate) {
    const auto segw = certs_of("segw");
    EXPECT_THAT(subject_of(segw.front().get()), HasSubstr("CN=segw.lab.test"));
    const auto names = dns_names_of(segw.front().get());
    ASSERT_FALSE(names.empty());
    EXPECT_TRUE(same_dns_name(names.front(), "SEGW.Lab.Test"));
    EXPECT_FALSE(same_dns_name("segw.lab.test", "segw.lab.tes"));
    EXPECT_FALSE(parse_certificate(Der{0x30, 0x03, 0x02, 0x01, 0x01}, "junk").ok());
    Der trailing = der_of(segw.front().get());
    trailing.push_back(0);
    EXPECT_THAT(parse_certificate(trailing, "CERT payload 1").error().message(),
                HasSubstr("CERT payload 1 is not a DER X.509 certificate"));
}

}  // namespace
}  // namespace hnbsec::ossl
