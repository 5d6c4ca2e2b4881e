#pragma once
// The emulated H(e)NB's check of the SeGW it reached (TS 33.320 §7.2.2, README "Boot" 3):
//   1. the chain in the CERT payloads builds to a trust anchor (RFC 5280 §6),
//   2. valid by the device clock,
//   3. IDr is ID_FQDN equal to the configured SeGW FQDN and a dNSName of the certificate
//      names it (RFC 4945 §3.1),
//   4. revocation from the stapled OCSP response (RFC 4806): good passes, revoked refuses,
//      none refuses when a staple was asked for and is required.
// Each defect switch that bends a step is a flag of the policy; a refusal says which step.

#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "emulator/segw_link/pem_certificates.h"
#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/payloads.h"

namespace hnbsec::emulator {

struct SegwCheckPolicy {
    std::vector<Der> trust_anchors;
    std::string segw_fqdn;
    std::time_t now = 0;         // the device clock
    bool ocsp_requested = true;  // IKE_AUTH carried CERTREQ(OCSP Content)
    bool ocsp_required = true;   // requested but not stapled (or status unknown): refuse
    // Defects (emulator/defects): each turns one check off.
    bool accept_untrusted = false;        // accept-untrusted-segw-cert: no chain building
    bool accept_expired = false;          // accept-expired-segw-cert: no validity period check
    bool skip_identity = false;           // skip-segw-identity-check
    bool ignore_ocsp_revoked = false;     // ignore-ocsp-revoked
    bool accept_unverified_ocsp = false;  // accept-unverified-ocsp: staple signature unchecked
};

struct SegwCheckResult {
    ike::ossl::PkeyPtr public_key;  // verifies the SeGW's AUTH
    std::string subject;            // RFC 2253 subject of the SeGW certificate
    std::string revocation;         // "OCSP good", "OCSP not requested", ...
};

Result<SegwCheckResult> check_segw(const std::vector<Der>& chain, const ike::Id& idr,
                                   const std::optional<Der>& ocsp_staple, const SegwCheckPolicy& policy);

}  // namespace hnbsec::emulator
