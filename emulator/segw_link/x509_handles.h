#pragma once
// Owning handles for the OpenSSL X.509 and OCSP objects the SeGW checks use.

#include <memory>
#include <string>

#include <openssl/ocsp.h>
#include <openssl/x509.h>

namespace hnbsec::emulator {

template <auto FreeFn>
struct OsslFree {
    template <typename T>
    void operator()(T* p) const {
        FreeFn(p);
    }
};
using X509Ptr = std::unique_ptr<X509, OsslFree<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, OsslFree<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, OsslFree<X509_STORE_CTX_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, OsslFree<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, OsslFree<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, OsslFree<OCSP_CERTID_free>>;
// The sk_X509 "functions" are macros in OpenSSL 3; this stack owns its certificates.
struct X509StackFree {
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;

}  // namespace hnbsec::emulator
