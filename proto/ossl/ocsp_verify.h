#pragma once
// The check of an OCSP response for one certificate (RFC 6960), shared by the SeGW's client
// for device certificates and the emulated H(e)NB's check of a stapled response (RFC 4806):
//   - a successful id-pkix-ocsp-basic response (§4.2.1);
//   - signed by the certificate's issuer, or by a responder that issuer authorised with
//     id-kp-OCSPSigning, its chain building to the trust anchors (§4.2.2.2; OpenSSL's
//     OCSP_basic_verify checks the authorisation against the CertID's issuer);
//   - echoing the request's nonce when it echoes one (RFC 8954 §2.1);
//   - a SingleResponse for the SHA-1 CertID of (certificate, issuer);
//   - current at `now`: thisUpdate not ahead, nextUpdate not passed, `tolerance` either way
//     (§4.2.2.1).
// An error says what is wrong with the response ("signature or signer is not trusted: ...");
// each caller says which response it was and what an outcome means for its policy.

#include <cstdint>
#include <ctime>
#include <optional>
#include <span>
#include <string>

#include "core/result.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ossl {

enum class CertStatus : std::uint8_t { kGood, kRevoked, kUnknown };
std::string to_string(CertStatus status);  // "good", "revoked", "unknown"

struct OcspCheck {
    X509* certificate = nullptr;           // the certificate asked about
    X509* issuer = nullptr;                // its issuer: CertID, responder authorisation
    STACK_OF(X509) * untrusted = nullptr;  // more candidates for the signer's chain (may be null)
    X509_STORE* trust = nullptr;           // trust anchors; null: the signature is not checked
    OCSP_REQUEST* request = nullptr;       // the request sent, for its nonce (null: none sent)
    std::time_t now = 0;                   // the clock the response must be current by
    long tolerance_seconds = 300;          // clock skew allowed on thisUpdate/nextUpdate
    std::string clock = "the clock";       // names `now` in the errors ("the device clock")
};

struct OcspAnswer {
    CertStatus status = CertStatus::kUnknown;
    std::string reason;                      // kRevoked: "keyCompromise", ... or "unspecified"
    std::optional<std::time_t> next_update;  // absent: the responder promises no next update
};

Result<OcspAnswer> check_ocsp_response(std::span<const std::uint8_t> der, const OcspCheck& check);

}  // namespace hnbsec::ossl
