#pragma once
// The SeGW's OCSP client for device certificates (RFC 6960; requirement HNB-REQ-REV-001:
// the SeGW checks the device certificate's revocation with CRLs or OCSP, operator's
// choice). One request per check: CertID (SHA-1) of the device certificate and the issuer
// of its validated chain, with a nonce (RFC 8954), POSTed as application/ocsp-request
// (RFC 6960 Appendix A.1) over a TCP connection from an injected connector, so the lab can
// open it inside the network namespace where its responder listens.
//
// The answer counts only when:
//   - OCSP_basic_verify succeeds against the device trust anchors, with the signer the
//     issuing CA itself or a delegated responder it issued with id-kp-OCSPSigning
//     (RFC 6960 §4.2.2.2; OpenSSL checks the authorisation against the CertID's issuer);
//   - the nonce is ours when echoed (a responder may omit it, §4.4.1; a wrong one is a
//     replay and refused);
//   - thisUpdate/nextUpdate hold at now, with `max_skew` tolerance (§4.2.2.1);
//   - it names our CertID.
//
// Good answers are cached per (issuer, serial) until nextUpdate, at most `cache_for`, so a
// handshake benchmark does not query the responder every time. Revoked/unknown/failed
// answers are never cached: the next handshake asks again.
//
// Blocking: check() runs on the SeGW's event-loop thread, and stalls it for at most
// `timeout` (connect + send + receive, one deadline). At lab scale (a handful of devices)
// that is acceptable and keeps the IKE state machine synchronous; a SeGW for many devices
// would need an asynchronous validator seam in proto/ike first.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <openssl/x509.h>

#include "core/result.h"

namespace hnbsec::segw {

// Opens a connected TCP socket to host:port within `timeout`; the checker owns the fd.
using TcpConnector = std::function<Result<int>(const std::string& host, std::uint16_t port,
                                               std::chrono::milliseconds timeout)>;

// The default connector: a socket in the caller's network namespace, non-blocking connect
// bounded by `timeout`. IP literals only (a DNS lookup would not be bounded). The fd
// returned is non-blocking and close-on-exec.
Result<int> connect_tcp(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout);

struct OcspClientOptions {
    // Responder URL that wins over the certificate's AIA id-ad-ocsp (the profile's
    // pixit.ocsp_url: the operator says which responder the SeGW trusts to be reachable).
    std::optional<std::string> url;
    std::chrono::milliseconds timeout{2000};  // whole exchange, connect to last byte
    std::size_t max_response_bytes = 64 * 1024;
    std::chrono::seconds max_skew{300};                    // clock tolerance on thisUpdate/nextUpdate
    std::chrono::seconds cache_for{300};                   // upper bound on caching a good answer
    TcpConnector connector;                                // empty: connect_tcp
    std::vector<std::vector<std::uint8_t>> trust_anchors;  // DER; the device CAs
};

enum class OcspStatus {
    kGood,
    kRevoked,
    kUnknown,  // the responder does not know the certificate
    kFailed,   // no usable answer: unreachable, error status, bad signature, stale, ...
};
std::string_view to_string(OcspStatus status);

struct OcspOutcome {
    OcspStatus status = OcspStatus::kFailed;
    std::string subject;  // device certificate subject (RFC 2253)
    std::string serial;   // upper-case hex
    std::string url;      // where we asked (empty when no URL was known)
    std::string detail;   // why, for kFailed; "reason keyCompromise" for kRevoked
    bool cached = false;  // answered from the cache, no request sent
};
// "OCSP good for 'CN=...' serial 1A2B from http://192.168.77.1:8080/ocsp (cached)".
std::string to_string(const OcspOutcome& outcome);

class DeviceOcspChecker {
public:
    static Result<std::shared_ptr<DeviceOcspChecker>> create(OcspClientOptions options);
    ~DeviceOcspChecker();
    DeviceOcspChecker(const DeviceOcspChecker&) = delete;
    DeviceOcspChecker& operator=(const DeviceOcspChecker&) = delete;

    // `issuer`: the certificate that issued `cert` in its validated chain. Never fails as a
    // call: every problem is an outcome with status kFailed and a reason.
    OcspOutcome check(X509* cert, X509* issuer);

    // Called with every outcome, on the caller's thread (the SeGW publishes it as an event).
    void set_observer(std::function<void(const OcspOutcome&)> observer);
    std::size_t cache_size() const;
    const OcspClientOptions& options() const { return options_; }

private:
    explicit DeviceOcspChecker(OcspClientOptions options);
    OcspOutcome query(X509* cert, X509* issuer, const std::string& url,
                      std::chrono::system_clock::time_point* good_until);

    OcspClientOptions options_;
    struct Store;
    std::unique_ptr<Store> store_;  // the trust anchors, compiled once
    mutable std::mutex mutex_;
    std::map<std::string, std::chrono::steady_clock::time_point> good_until_;  // "issuer-hash/serial"
    std::function<void(const OcspOutcome&)> observer_;
};

}  // namespace hnbsec::segw
