#pragma once
// The device's check of the OCSP response a SeGW stapled into IKE_AUTH (RFC 4806 §3.2,
// RFC 6960): a successful basic response, signed by the issuer of the SeGW certificate or
// by a responder that issuer authorised (id-kp-OCSPSigning, RFC 6960 §4.2.2.2) and whose
// chain builds to the trust anchors, carrying a status for the SeGW certificate's CertID,
// current by the device clock (thisUpdate not ahead, nextUpdate not passed).

#include <ctime>
#include <string>

#include <openssl/x509.h>

#include "core/result.h"
#include "emulator/segw_link/pem_certificates.h"

namespace hnbsec::emulator {

enum class OcspStatus : std::uint8_t { kGood, kRevoked, kUnknown };
std::string ocsp_status_name(OcspStatus status);  // "good", "revoked", "unknown"

struct OcspStapleVerdict {
    OcspStatus status = OcspStatus::kUnknown;
    std::string detail;  // revocation reason, or why the signature was not checked
};

struct OcspStapleInputs {
    X509* certificate = nullptr;           // the SeGW certificate
    X509* issuer = nullptr;                // its issuer (CertID, responder authorisation)
    STACK_OF(X509) * untrusted = nullptr;  // the SeGW's intermediates: may complete the signer's chain
    X509_STORE* trust = nullptr;           // the trust anchors, verification time set to the device clock
    std::time_t now = 0;                   // device clock
    bool verify_signature = true;          // false: defect accept-unverified-ocsp
};

// The status the staple gives for the certificate; an error when the staple cannot be
// trusted (undecodable, unsuccessful, bad signature, unauthorised signer, stale).
Result<OcspStapleVerdict> check_ocsp_staple(const Der& staple, const OcspStapleInputs& inputs);

}  // namespace hnbsec::emulator
