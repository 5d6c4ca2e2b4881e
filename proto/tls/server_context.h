#pragma once
// A TLS server context for the H(e)MS as OpenSSL 3 builds it: certificate chain and key
// (a file key as PEM, or any EVP_PKEY such as a PKCS#11 token key from hsm/libp11_key.h),
// client certificates requested/required and verified against a trust bundle (TS 33.320
// §4.4.6: mutual authentication with the device certificate), versions and suites from knobs
// (TS 33.310 Annex E / TS 33.210 §6.2 profile), a ClientHello recorder and an opt-in NSS key
// log callback. Per connection, a HandshakeRecord collects what the handshake revealed.

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include <openssl/ssl.h>

#include "core/result.h"
#include "proto/tls/client_hello.h"
#include "proto/tls/versions.h"

namespace hnbsec::tls {

struct SslCtxDeleter {
    void operator()(SSL_CTX* ctx) const { SSL_CTX_free(ctx); }
};
using SslCtxPtr = std::unique_ptr<SSL_CTX, SslCtxDeleter>;
struct SslDeleter {
    void operator()(SSL* ssl) const { SSL_free(ssl); }
};
using SslPtr = std::unique_ptr<SSL, SslDeleter>;

enum class ClientAuth {
    kRequire,  // CertificateRequest sent; no or bad certificate ends the handshake
    kRequest,  // CertificateRequest sent; the result is recorded but the handshake goes on
    kNone,     // no CertificateRequest (a test knob for devices that must insist themselves)
};

struct ServerConfig {
    std::string chain_pem;         // end entity first, then intermediates
    std::string key_pem;           // file key (PKCS#8 PEM); empty when `key` is given
    EVP_PKEY* key = nullptr;       // borrowed, e.g. a token key; the context takes a reference
    std::string client_trust_pem;  // roots (and intermediates) the client certificate must chain to
    std::string crl_pem;           // optional CRLs; when set, the leaf is checked (X509_V_FLAG_CRL_CHECK)
    ClientAuth client_auth = ClientAuth::kRequire;
    Version min_version = Version::kTls12;
    Version max_version = Version::kTls13;
    std::string cipher_list;   // TLS 1.2 and below (OpenSSL syntax); empty: OpenSSL's default
    std::string ciphersuites;  // TLS 1.3; empty: OpenSSL's default
    // NSS key log lines (SSLKEYLOGFILE format), only when set: an explicit opt-in.
    std::function<void(const std::string& line)> key_log;
};

// The client certificate and what verification said about it.
struct PeerVerification {
    bool presented = false;
    std::string subject;  // RFC 2253 of the leaf; empty if none presented
    std::string issuer;
    bool verified = false;  // chain and (if configured) CRL checks passed
    int error = 0;          // X509_V_ERR_*, first error seen
    int error_depth = -1;
    std::string reason;  // "ok", "no client certificate", or OpenSSL's text for `error`
};

// Everything one handshake revealed; attach one to each SSL before SSL_accept.
struct HandshakeRecord {
    std::optional<ClientHello> client_hello;
    std::string client_hello_error;  // when the ClientHello could not be decoded
    PeerVerification peer;
    std::string version;  // negotiated, "TLSv1.3"
    std::string cipher;   // negotiated, OpenSSL name
    std::string failure;  // why the handshake failed, when it did
};

Result<SslCtxPtr> build_server_context(const ServerConfig& config);

// Makes `record` (which must outlive the SSL's handshake) the place this SSL reports to.
void attach_record(SSL* ssl, HandshakeRecord* record);

// After SSL_accept: fills version/cipher on success, or `failure` from the SSL error, the
// verification result and OpenSSL's error queue (which it drains) on failure.
void finish_record(SSL* ssl, int accept_result, HandshakeRecord& record);

// OpenSSL's error queue as one line ("error:0A000418:SSL routines::tlsv1 alert unknown ca"); drains it.
std::string drain_openssl_errors();

}  // namespace hnbsec::tls
