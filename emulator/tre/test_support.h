#pragma once
// Test helpers for the TrE: hsm's temporary directory (files in it), and a throwaway
// self-signed certificate and key made with OpenSSL.

#include <string>

#include <openssl/pem.h>

#include "core/testing/temp_dir.h"
#include "proto/ossl/certificate.h"
#include "proto/ossl/handles.h"

namespace hnbsec::emulator::testing {

using test_support::TempDir;

inline ossl::EvpPkeyPtr make_ec_key() {
    return ossl::EvpPkeyPtr(EVP_EC_gen("P-256"));
}

// A self-signed certificate with CN=`cn`, as PEM text.
inline std::string self_signed_pem(const std::string& cn) {
    const auto key = make_ec_key();
    const ossl::X509Ptr cert(X509_new());
    X509_set_version(cert.get(), 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
    X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600);
    X509_set_pubkey(cert.get(), key.get());
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert.get()), "CN", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0);
    X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
    X509_sign(cert.get(), key.get(), EVP_sha256());
    const ossl::BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_X509(bio.get(), cert.get());
    return ossl::bio_contents(bio.get());
}

}  // namespace hnbsec::emulator::testing
