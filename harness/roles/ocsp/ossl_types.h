#pragma once
// RAII owners for the OpenSSL OCSP objects the responder handles (the PKI's owners
// cover certificates and keys).

#include <memory>

#include <openssl/ocsp.h>

#include "fixtures/pki/ossl.h"

namespace hnbsec::ocsp {

using OcspRequestPtr = std::unique_ptr<OCSP_REQUEST, pki::OsslDeleter<OCSP_REQUEST_free>>;
using OcspResponsePtr = std::unique_ptr<OCSP_RESPONSE, pki::OsslDeleter<OCSP_RESPONSE_free>>;
using OcspBasicPtr = std::unique_ptr<OCSP_BASICRESP, pki::OsslDeleter<OCSP_BASICRESP_free>>;
using OcspCertIdPtr = std::unique_ptr<OCSP_CERTID, pki::OsslDeleter<OCSP_CERTID_free>>;

}  // namespace hnbsec::ocsp
