#pragma once
// Owning handles for the OpenSSL X.509, OCSP and BIO objects, one set for every certificate
// check in the project (the SeGW's check of device certificates, the emulated H(e)NB's
// check of the SeGW's). Header-only; the users link OpenSSL themselves.

#include <memory>

#include <openssl/bio.h>
#include <openssl/ocsp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace hnbsec::ossl {

template <auto FreeFn>
struct Free {
    template <typename T>
    void operator()(T* p) const {
        FreeFn(p);
    }
};

using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using X509StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, Free<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, Free<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, Free<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, Free<OCSP_CERTID_free>>;
using BioPtr = std::unique_ptr<BIO, Free<BIO_free>>;

// The sk_X509 "functions" are macros in OpenSSL 3, hence the two small deleters.
struct X509StackFree {  // the stack owns its certificates
    void operator()(STACK_OF(X509) * s) const { sk_X509_pop_free(s, X509_free); }
};
using X509StackPtr = std::unique_ptr<STACK_OF(X509), X509StackFree>;
struct X509RefStackFree {  // the certificates belong to someone else
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
using X509RefStackPtr = std::unique_ptr<STACK_OF(X509), X509RefStackFree>;

}  // namespace hnbsec::ossl
