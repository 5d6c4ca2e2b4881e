#include "proto/ike/sa/test_pki.h"

#include <memory>

#include <openssl/ec.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace hnbsec::ike::testing {

namespace {

using X509Ptr = std::unique_ptr<X509, ossl::Deleter<X509, X509_free>>;

ossl::PkeyPtr rsa_key() {
    return ossl::PkeyPtr(EVP_RSA_gen(2048));
}

ossl::PkeyPtr ec_key() {
    return ossl::PkeyPtr(EVP_EC_gen("P-256"));
}

Bytes der_of(X509* cert) {
    unsigned char* der = nullptr;
    int n = i2d_X509(cert, &der);
    Bytes out(der, der + (n > 0 ? n : 0));
    OPENSSL_free(der);
    return out;
}

// Adds one extension in openssl.cnf syntax ("critical,CA:TRUE", "DNS:name").
void add_extension(X509* cert, int nid, const std::string& value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
    if (ext == nullptr) return;
    X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
}

// The CA is a real CA (basicConstraints, keyUsage) and each entity carries its FQDN as a
// SubjectAltName dNSName, so a full RFC 5280 path validation (the SeGW's) accepts them.
X509Ptr make_cert(const std::string& cn, EVP_PKEY* subject_key, const std::string& issuer_cn,
                  EVP_PKEY* issuer_key, long serial) {
    X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * 30);
    X509_set_pubkey(cert.get(), subject_key);
    X509_NAME* name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>(cn.c_str()),
                               -1, -1, 0);
    X509_NAME* issuer = X509_NAME_new();
    X509_NAME_add_entry_by_txt(issuer, "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(issuer_cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), issuer);
    X509_NAME_free(issuer);
    if (cn == issuer_cn) {
        add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE");
        add_extension(cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    } else {
        add_extension(cert.get(), NID_subject_alt_name, "DNS:" + cn);
    }
    X509_sign(cert.get(), issuer_key, EVP_sha256());
    return cert;
}

TestIdentity entity(const std::string& fqdn, ossl::PkeyPtr key, EVP_PKEY* ca_key, long serial) {
    TestIdentity t;
    X509Ptr cert = make_cert(fqdn, key.get(), "hnbsec test CA", ca_key, serial);
    t.cert_der = der_of(cert.get());
    t.key = std::move(key);
    t.id = fqdn_id(fqdn);
    return t;
}

TestPki make_pki() {
    TestPki pki;
    pki.ca_key = rsa_key();
    X509Ptr ca = make_cert("hnbsec test CA", pki.ca_key.get(), "hnbsec test CA", pki.ca_key.get(), 1);
    pki.ca_der = der_of(ca.get());
    unsigned char* spki = nullptr;
    int n = i2d_PUBKEY(pki.ca_key.get(), &spki);
    pki.ca_spki_der.assign(spki, spki + (n > 0 ? n : 0));
    OPENSSL_free(spki);
    pki.segw_rsa = entity("segw.lab.test", rsa_key(), pki.ca_key.get(), 2);
    pki.segw_ec = entity("segw-ec.lab.test", ec_key(), pki.ca_key.get(), 3);
    pki.hnb_rsa = entity("00a0c9000001.hnb.lab.test", rsa_key(), pki.ca_key.get(), 4);
    pki.hnb_ec = entity("00a0c9000002.hnb.lab.test", ec_key(), pki.ca_key.get(), 5);
    pki.wrong_rsa = rsa_key();
    return pki;
}

}  // namespace

const TestPki& test_pki() {
    static const TestPki pki = make_pki();
    return pki;
}

Id fqdn_id(const std::string& fqdn) {
    return Id{IdType::kFqdn, Bytes(fqdn.begin(), fqdn.end()), 0};
}

PeerValidator ca_validator() {
    return [](const std::vector<Bytes>& chain, const Id& peer_id) -> Result<ossl::PkeyPtr> {
        if (chain.empty()) return Error("no certificate");
        const unsigned char* p = chain.front().data();
        X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(chain.front().size())));
        if (!cert) return Error("certificate does not parse");
        if (X509_verify(cert.get(), test_pki().ca_key.get()) != 1) return Error("not issued by the test CA");
        char cn[256] = {};
        X509_NAME_get_text_by_NID(X509_get_subject_name(cert.get()), NID_commonName, cn, sizeof cn);
        if (std::string(peer_id.data.begin(), peer_id.data.end()) != cn) {
            return Error(std::string("identity does not match certificate CN ") + cn);
        }
        return ossl::PkeyPtr(X509_get_pubkey(cert.get()));
    };
}

}  // namespace hnbsec::ike::testing
