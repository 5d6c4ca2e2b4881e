#pragma once
// The SeGW's check of the certificate an H(e)NB presents in IKE_AUTH (TS 33.320
// device authentication; requirement table: HNB-REQ-DEVAUTH-012, -005, -003):
//   1. the chain (end entity first, as the CERT payloads carry it) builds to one of
//      the configured trust anchors, valid at `now` (RFC 5280 §6);
//   2. revocation: when a CRL of the issuer is configured, the certificate must not be
//      on it, and the CRL itself must be valid (RFC 5280 §6.3); when an OCSP checker is
//      configured, its answer for the certificate and the issuer of the validated chain
//      (RFC 6960, device_ocsp_check.h) — asked last, after the cheap checks 3 and 4;
//   3. the identity the peer claims in IDi (ID_FQDN) equals a dNSName of its
//      certificate's SubjectAltName (RFC 4945 §3.1: the ID must be backed by the cert);
//   4. when the profile names the DUT's identity, IDi equals it.
// Every refusal says which step failed and why, in words a verdict can quote.
//
// CRL and OCSP together (HNB-REQ-REV-001, the operator's choice of crl|ocsp|crl+ocsp):
// OCSP "good" accepts and "revoked" refuses, whatever the CRL said (the fresher source
// wins for a revocation). OCSP without a definite answer (unknown, unreachable, bad
// signature, stale) refuses — hard-fail — unless a CRL was configured, in which case the
// CRL check of step 2 already answered "not revoked" and that answer stands.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "harness/roles/segw/device_ocsp_check.h"
#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::segw {

using Der = std::vector<std::uint8_t>;

struct PeerCheckPolicy {
    std::vector<Der> trust_anchors;                // CA certificates the SeGW trusts for devices
    std::vector<Der> crls;                         // CRLs to consult (DER); none configured: no CRL check
    std::optional<std::string> expected_identity;  // the DUT's FQDN identity from the profile
    std::optional<std::chrono::system_clock::time_point> now;  // default: the real clock
    std::shared_ptr<DeviceOcspChecker> ocsp;                   // OCSP after the chain; null: no OCSP check
};

struct PeerCheckResult {
    ike::ossl::PkeyPtr public_key;       // verifies the peer's AUTH payload
    std::string subject;                 // one-line RFC 2253 subject of the end entity
    std::vector<std::string> dns_names;  // its SubjectAltName dNSNames
};

// The check with its policy compiled once: trust anchors in an X509_STORE and CRLs parsed
// when the SeGW starts, not per handshake, and the certificates peers send kept parsed by
// their exact DER bytes (a device reconnects with the same ones), so a handshake pays for
// the signature checks and not for ASN.1 decoding. Thread-safe.
class PeerCertificateChecker {
public:
    static Result<std::shared_ptr<PeerCertificateChecker>> create(PeerCheckPolicy policy);
    ~PeerCertificateChecker();
    PeerCertificateChecker(const PeerCertificateChecker&) = delete;
    PeerCertificateChecker& operator=(const PeerCertificateChecker&) = delete;

    // `chain`: DER certificates as received, end entity first. `claimed_identity`: the
    // IDi value when its type is ID_FQDN (empty to skip step 3 for other ID types).
    Result<PeerCheckResult> check(const std::vector<Der>& chain, const std::string& claimed_identity);

private:
    struct Compiled;
    explicit PeerCertificateChecker(std::unique_ptr<Compiled> compiled);
    std::unique_ptr<Compiled> compiled_;
};

// One-shot form of PeerCertificateChecker::check.
Result<PeerCheckResult> check_peer_certificate(const std::vector<Der>& chain,
                                               const std::string& claimed_identity,
                                               const PeerCheckPolicy& policy);

}  // namespace hnbsec::segw
