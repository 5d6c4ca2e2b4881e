#pragma once
// What the OCSP responder knows, read from the test PKI's manifest: for every CA, the
// certificates it issued (serial, name, subject, revocation) — the same facts as the
// `openssl ca` index files `hnbsec pki init` writes — and the keys that can sign for it:
// the delegated responder (EKU id-kp-OCSPSigning, RFC 6960 §4.2.2.2), the CA itself, and
// the two wrong signers the knobs ask for (a certificate without the EKU, a responder
// of another CA).

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/ocsp.h>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ocsp {

// A key that signs responses, with the certificates to send along (RFC 6960 §4.2.1
// `certs`: the signer and its intermediates, so a client can build the path).
struct Signer {
    std::string name;  // manifest name
    ossl::X509Ptr cert;
    ossl::EvpPkeyPtr key;
    std::vector<ossl::X509Ptr> chain;  // signer first, then intermediates; no self-signed root
};

struct CertRecord {
    std::string name;                            // manifest name ("segw-revoked")
    std::string subject;                         // "C=XX, O=..., CN=..."
    std::optional<std::string> revocation_time;  // ISO-8601
    std::string revocation_reason;               // CRLReason name
};

enum class SignerChoice { kDelegated, kCa, kNoEku, kOtherCa };

struct Issuer {
    std::string name;  // CA's manifest name
    ossl::X509Ptr cert;
    std::map<std::string, CertRecord> by_serial;  // upper-case hex without leading zeros
    std::optional<Signer> delegated, ca, no_eku, other_ca;

    // The signer for a choice; falls back to the CA when a PKI lacks the one asked for.
    const Signer& signer(SignerChoice choice) const;
};

class CaDirectory {
public:
    static Result<CaDirectory> load(const pki::Manifest& manifest);

    // The CA whose name and key hashes the CertID carries (RFC 6960 §4.1.1), or null.
    const Issuer* issuer_of(const OCSP_CERTID* id) const;
    // The CA that issued `cert` (by issuer name and signature), or null.
    const Issuer* issuer_of_cert(const X509* cert) const;
    const std::vector<Issuer>& issuers() const { return issuers_; }

private:
    std::vector<Issuer> issuers_;
};

// "0FF3" for serial 0x0ff3: the key of Issuer::by_serial.
std::string serial_key(const ASN1_INTEGER* serial);
std::string serial_key(std::string_view hex);

}  // namespace hnbsec::ocsp
