#pragma once
// The OCSP responder (RFC 6960) of the harness: DER OCSPRequest in, DER OCSPResponse
// out, answering good / revoked (reason, time) / unknown from the test PKI and signed
// by the delegated responder (or whoever the knobs say). Transport-free: the HTTP
// binding (ocsp_http.h) and the SeGW's RFC 4806 stapling both call it.
//
// Never the bottleneck: a response is signed once per (CertIDs, knob set) and cached
// until it is `refresh` old; only a request carrying a nonce costs a signature, since
// its answer must echo that nonce (RFC 6960 §4.4.1). Thread-safe; knobs change at run
// time with set_knobs().

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <openssl/x509.h>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/roles/ocsp/ca_directory.h"
#include "harness/roles/ocsp/knobs.h"

namespace hnbsec::ocsp {

using Bytes = std::vector<std::uint8_t>;

// What was answered for one CertID.
struct CertAnswer {
    std::string issuer;   // CA name, or "?" when no CA of the PKI matches
    std::string serial;   // upper-case hex
    std::string name;     // manifest name, empty when the serial is not in the PKI
    std::string subject;  // when known
    std::string status;   // "good" | "revoked" | "unknown"
    std::string revocation_reason, revocation_time;
};

struct Handled {
    Bytes der;                // the DER OCSPResponse to send
    int response_status = 0;  // OCSPResponseStatus in it
    std::vector<CertAnswer> certs;
    bool nonce_requested = false;
    bool cached = false;  // served from the cache, no signature made
    std::string signer;   // manifest name of the signing certificate
    std::string error;    // why the request was refused, for malformedRequest etc.
    Knobs knobs;          // in force for this answer
};

// "operator-ca/0FF3 segw-revoked revoked keyCompromise; nonce; signer=ocsp-signer".
std::string summary(const Handled& handled);

struct ResponderOptions {
    std::chrono::seconds validity{24 * 3600};  // nextUpdate - thisUpdate
    std::chrono::seconds refresh{600};         // re-sign cached answers older than this
};

class Responder {
public:
    static Result<std::unique_ptr<Responder>> create(const pki::Manifest& manifest,
                                                     ResponderOptions options = {});

    // Any bytes in, always a DER OCSPResponse out (malformedRequest for bad input).
    Handled handle(std::span<const std::uint8_t> request_der);

    // For stapling (RFC 4806): the response for one certificate of the PKI, with the
    // nonce when given. Fails when no CA of the PKI issued it or the knobs say no answer.
    Result<Bytes> response_for(const X509* cert, const std::optional<Bytes>& nonce = std::nullopt);
    Result<Bytes> response_for(std::span<const std::uint8_t> cert_der,
                               const std::optional<Bytes>& nonce = std::nullopt);

    void set_knobs(const Knobs& knobs);
    Knobs knobs() const;
    std::size_t cache_size() const;
    const CaDirectory& directory() const { return directory_; }

private:
    Responder(CaDirectory directory, ResponderOptions options);

    struct Cached {
        Bytes der;
        std::vector<CertAnswer> certs;
        std::string signer;
        std::chrono::steady_clock::time_point made;
    };

    // Builds (or takes from the cache) the answer to these CertIDs.
    Handled answer(const std::vector<const OCSP_CERTID*>& ids, const std::optional<Bytes>& nonce,
                   const Knobs& knobs);
    Result<Cached> sign(const std::vector<const OCSP_CERTID*>& ids, const std::optional<Bytes>& nonce,
                        const Knobs& knobs) const;

    CaDirectory directory_;
    ResponderOptions options_;
    mutable std::mutex knobs_mutex_;
    Knobs knobs_;
    mutable std::mutex cache_mutex_;
    std::map<std::string, Cached> cache_;
};

// A bodiless OCSPResponse with an error status (RFC 6960 §4.2.1).
Bytes error_response(int response_status);

}  // namespace hnbsec::ocsp
