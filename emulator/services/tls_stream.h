#pragma once
// The device's TLS client for the H(e)MS (TS 33.320 §4.4.6, TS 33.310 Annex E profile):
// its certificate chain with the key on the token (an EVP_PKEY from libp11, so the
// CertificateVerify is signed on the token), TLS 1.2..1.3, and validation of the server
// certificate against the configured trust anchors and the URL's host (RFC 6125 via
// OpenSSL's X509_VERIFY_PARAM host / IP checks). The defect switches bend exactly one of
// these each.

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "core/result.h"
#include "emulator/services/byte_stream.h"
#include "proto/tls/server_context.h"

namespace hnbsec::emulator {

struct TlsClientOptions {
    EVP_PKEY* key = nullptr;                       // borrowed; the context takes a reference
    std::vector<std::vector<std::uint8_t>> chain;  // DER, device certificate first
    std::string trust_anchors_pem;                 // path of a PEM bundle
    bool offer_tls10 = false;      // min TLS 1.0 at security level 0, so 1.0/1.1 are really offered
    bool send_client_cert = true;  // false: no certificate is loaded; a CertificateRequest gets none
};

Result<tls::SslCtxPtr> build_client_context(const TlsClientOptions& options);

struct TlsPeerCheck {
    std::string host;  // from the URL: SNI for a name, and what the certificate must name
    bool host_is_ip = false;
    bool verify_chain = true;     // false: chain and validity errors are ignored (a defect)
    bool verify_hostname = true;  // false: the name is not compared (a defect)
};

class TlsStream final : public ByteStream {
public:
    // The TLS handshake over the connected `socket`, bounded by `deadline`. A failure says
    // why: the certificate check with OpenSSL's verify reason and depth, or the alert / the
    // library's error (e.g. "unsupported protocol").
    static Result<std::unique_ptr<TlsStream>> handshake(SocketFd socket, SSL_CTX* context,
                                                        const TlsPeerCheck& check, Deadline deadline);
    ~TlsStream() override;
    TlsStream(const TlsStream&) = delete;
    TlsStream& operator=(const TlsStream&) = delete;

    Status write_all(std::string_view bytes, Deadline deadline) override;
    Result<std::size_t> read_some(std::span<std::uint8_t> into, Deadline deadline) override;

    std::string version() const;       // "TLSv1.3"
    std::string cipher() const;        // OpenSSL's name
    std::string peer_subject() const;  // RFC 2253 of the server certificate

    struct VerifyState {
        bool verify_chain = true;
        bool verify_hostname = true;
        int error = 0;  // first X509_V_ERR_* that was not waived
        int depth = -1;
    };

private:
    TlsStream(SocketFd socket, tls::SslPtr ssl, std::unique_ptr<VerifyState> state);
    // Waits as SSL_get_error(`rc`) asks, or returns the error for `what`.
    Status wait_or_fail(int rc, Deadline deadline, const std::string& what);

    SocketFd socket_;
    std::unique_ptr<VerifyState> state_;  // before ssl_: the SSL points at it until freed
    tls::SslPtr ssl_;
};

}  // namespace hnbsec::emulator
