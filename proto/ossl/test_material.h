#pragma once
// Certificates and keys of the shared test PKI (fixtures/pki) for the proto/ossl tests, and
// OCSP responses signed here the way a responder would (RFC 6960 §4.2.1).

#include <cstdio>
#include <ctime>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "fixtures/pki/test_support.h"
#include "proto/ossl/chain_verify.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ossl::testing {

using Der = std::vector<std::uint8_t>;

inline std::string file_of(const std::string& name, const std::string& which) {
    const auto& shared = pki::testing::shared_pki();
    EXPECT_TRUE(shared.manifest.ok()) << shared.manifest.error().message();
    const pki::Entry* entry = shared.manifest.ok() ? shared.manifest->find(name) : nullptr;
    EXPECT_NE(entry, nullptr) << name;
    return entry == nullptr ? std::string() : shared.manifest->file(*entry, which).string();
}

// Every certificate of the entity's PEM file `which` ("pem", "chain"), in file order.
inline std::vector<X509Ptr> certs_of(const std::string& name, const std::string& which = "pem") {
    std::vector<X509Ptr> out;
    BioPtr bio(BIO_new_file(file_of(name, which).c_str(), "r"));
    EXPECT_TRUE(bio) << name;
    while (bio) {
        X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
        if (!cert) break;
        out.push_back(std::move(cert));
    }
    EXPECT_FALSE(out.empty()) << name;
    return out;
}

inline Der der_of(X509* cert) {
    unsigned char* der = nullptr;
    const int length = i2d_X509(cert, &der);
    Der out(der, der + (length > 0 ? length : 0));
    OPENSSL_free(der);
    return out;
}

inline EvpPkeyPtr key_of(const std::string& name) {
    BioPtr bio(BIO_new_file(file_of(name, "key").c_str(), "r"));
    EXPECT_TRUE(bio) << name;
    return EvpPkeyPtr(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
}

struct ResponseSpec {
    std::string certificate = "segw";
    std::string issuer = "operator-ca";
    std::string signer = "operator-ca";  // a certificate of the PKI with a file key
    int status = V_OCSP_CERTSTATUS_GOOD;
    long this_update_offset = -60;  // seconds from `at`
    long next_update_offset = 3600;
};

inline Der ocsp_response(const ResponseSpec& s, std::time_t at) {
    const X509Ptr cert = std::move(certs_of(s.certificate).front());
    const X509Ptr issuer = std::move(certs_of(s.issuer).front());
    const X509Ptr signer = std::move(certs_of(s.signer).front());
    const EvpPkeyPtr key = key_of(s.signer);
    OcspBasicPtr basic(OCSP_BASICRESP_new());
    const OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert.get(), issuer.get()));
    const Asn1TimePtr this_update(ASN1_TIME_set(nullptr, at + s.this_update_offset));
    const Asn1TimePtr next_update(ASN1_TIME_set(nullptr, at + s.next_update_offset));
    const Asn1TimePtr revoked_at(ASN1_TIME_set(nullptr, at - 86400));
    const bool revoked = s.status == V_OCSP_CERTSTATUS_REVOKED;
    EXPECT_NE(OCSP_basic_add1_status(
                  basic.get(), id.get(), s.status, revoked ? OCSP_REVOKED_STATUS_KEYCOMPROMISE : 0,
                  revoked ? revoked_at.get() : nullptr, this_update.get(), next_update.get()),
              nullptr);
    EXPECT_EQ(OCSP_basic_sign(basic.get(), signer.get(), key.get(), EVP_sha256(), nullptr, 0), 1);
    const OcspResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    unsigned char* der = nullptr;
    const int length = i2d_OCSP_RESPONSE(response.get(), &der);
    Der out(der, der + (length > 0 ? length : 0));
    OPENSSL_free(der);
    return out;
}

// A store of the operator's trust anchors (the SeGW's and the H(e)MS's chains end there).
inline X509StorePtr operator_trust() {
    std::vector<Der> anchors;
    for (const auto& c : certs_of("operator-trust")) anchors.push_back(der_of(c.get()));
    auto store = trust_store(anchors, "trust anchor");
    EXPECT_TRUE(store.ok()) << store.error().message();
    return store.ok() ? std::move(*store) : nullptr;
}

}  // namespace hnbsec::ossl::testing
