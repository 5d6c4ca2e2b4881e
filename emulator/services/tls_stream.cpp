#include "emulator/services/tls_stream.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <poll.h>

#include "proto/ossl/certificate.h"

namespace hnbsec::emulator {
namespace {

using ossl::X509Ptr;

Error tls_error(const std::string& what) {
    return Error(what + ": " + tls::drain_openssl_errors());
}

int verify_state_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

bool is_name_error(int error) {
    return error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH;
}

// OpenSSL asks about every problem it finds; a defect waives one kind, never the other:
// without verify_chain the name check still holds, and the other way round.
int on_verify(int preverify_ok, X509_STORE_CTX* store) {
    if (preverify_ok == 1) return 1;
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    auto* state = ssl == nullptr
                      ? nullptr
                      : static_cast<TlsStream::VerifyState*>(SSL_get_ex_data(ssl, verify_state_index()));
    if (state == nullptr) return 0;
    const int error = X509_STORE_CTX_get_error(store);
    const bool waived = is_name_error(error) ? !state->verify_hostname : !state->verify_chain;
    if (waived) return 1;
    if (state->error == 0) {
        state->error = error;
        state->depth = X509_STORE_CTX_get_error_depth(store);
    }
    return 0;
}

}  // namespace

Result<tls::SslCtxPtr> build_client_context(const TlsClientOptions& options) {
    tls::SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
    if (!context) return tls_error("SSL_CTX_new");
    SSL_CTX* ctx = context.get();

    if (options.offer_tls10) {
        // Security level 0 lets OpenSSL 3 build a TLS 1.0/1.1 ClientHello (SHA-1 and MD5
        // signatures); at the default level 1.0 and 1.1 would be dropped silently.
        SSL_CTX_set_security_level(ctx, 0);
        if (SSL_CTX_set_cipher_list(ctx, "DEFAULT:@SECLEVEL=0") != 1) return tls_error("cipher list");
        SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    } else {
        SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    }
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    // A peer that closes without close_notify ends a read like a clean close; HTTP framing
    // tells whether the message was whole.
    SSL_CTX_set_options(ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);

    if (!options.trust_anchors_pem.empty() &&
        SSL_CTX_load_verify_file(ctx, options.trust_anchors_pem.c_str()) != 1) {
        return tls_error("loading the trust anchors " + options.trust_anchors_pem);
    }

    if (options.send_client_cert) {
        if (options.chain.empty()) return Error("no device certificate to present");
        if (options.key == nullptr) return Error("no device key to sign with");
        for (std::size_t i = 0; i < options.chain.size(); ++i) {
            HNBSEC_TRY(X509Ptr cert, ossl::parse_certificate(
                                         options.chain[i], "device chain: certificate " + std::to_string(i)));
            const int rc = i == 0 ? SSL_CTX_use_certificate(ctx, cert.get())
                                  : static_cast<int>(SSL_CTX_add1_chain_cert(ctx, cert.get()));
            if (rc != 1) return tls_error("device chain: certificate " + std::to_string(i));
        }
        if (SSL_CTX_use_PrivateKey(ctx, options.key) != 1) return tls_error("device key");
        if (SSL_CTX_check_private_key(ctx) != 1) {
            return tls_error("the device key does not match the device certificate");
        }
    }
    return context;
}

TlsStream::TlsStream(SocketFd socket, tls::SslPtr ssl, std::unique_ptr<VerifyState> state)
    : socket_(std::move(socket)), state_(std::move(state)), ssl_(std::move(ssl)) {}

TlsStream::~TlsStream() {
    // One close_notify, without waiting for the answer: the session is over either way.
    if (ssl_ && SSL_is_init_finished(ssl_.get()) == 1) SSL_shutdown(ssl_.get());
    ERR_clear_error();
}

Result<std::unique_ptr<TlsStream>> TlsStream::handshake(SocketFd socket, SSL_CTX* context,
                                                        const TlsPeerCheck& check, Deadline deadline) {
    ERR_clear_error();
    tls::SslPtr ssl(SSL_new(context));
    if (!ssl) return tls_error("SSL_new");
    auto state = std::make_unique<VerifyState>();
    state->verify_chain = check.verify_chain;
    state->verify_hostname = check.verify_hostname;
    SSL_set_ex_data(ssl.get(), verify_state_index(), state.get());
    SSL_set_verify(ssl.get(), SSL_VERIFY_PEER, on_verify);
    // SSL_set_tlsext_host_name() without its C cast; SNI carries names only (RFC 6066 §3).
    if (!check.host_is_ip && SSL_ctrl(ssl.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                                      const_cast<char*>(check.host.c_str())) != 1) {
        return tls_error("SNI " + check.host);
    }
    if (check.verify_hostname) {
        X509_VERIFY_PARAM* param = SSL_get0_param(ssl.get());
        // RFC 6125 §6.4.4: no CN fallback when the certificate has SANs; no partial wildcards.
        X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        const int rc = check.host_is_ip ? X509_VERIFY_PARAM_set1_ip_asc(param, check.host.c_str())
                                        : X509_VERIFY_PARAM_set1_host(param, check.host.c_str(), 0);
        if (rc != 1) return tls_error("expected server name " + check.host);
    }
    if (SSL_set_fd(ssl.get(), socket.get()) != 1) return tls_error("SSL_set_fd");

    std::unique_ptr<TlsStream> stream(new TlsStream(std::move(socket), std::move(ssl), std::move(state)));
    for (;;) {
        const int rc = SSL_connect(stream->ssl_.get());
        if (rc == 1) return stream;
        const int reason = SSL_get_error(stream->ssl_.get(), rc);
        if (reason == SSL_ERROR_WANT_READ || reason == SSL_ERROR_WANT_WRITE) {
            const short events = reason == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT;
            HNBSEC_CHECK(wait_ready(stream->socket_.get(), events, deadline, "the TLS handshake"));
            continue;
        }
        const VerifyState& verify = *stream->state_;
        if (verify.error != 0) {
            ERR_clear_error();  // the verify reason says it better than "certificate verify failed"
            X509* peer = SSL_get0_peer_certificate(stream->ssl_.get());
            std::string text =
                "server certificate rejected: " + std::string(X509_verify_cert_error_string(verify.error)) +
                " (X509 error " + std::to_string(verify.error) + " at depth " + std::to_string(verify.depth) +
                ")";
            if (peer != nullptr) text += ", subject " + ossl::name_text(X509_get_subject_name(peer));
            return Error(text);
        }
        std::string text = tls::drain_openssl_errors();
        if (reason == SSL_ERROR_SYSCALL) text = "connection closed by the server during the handshake";
        return Error("TLS handshake failed: " + text);
    }
}

Status TlsStream::wait_or_fail(int rc, Deadline deadline, const std::string& what) {
    const int reason = SSL_get_error(ssl_.get(), rc);
    if (reason == SSL_ERROR_WANT_READ) return wait_ready(socket_.get(), POLLIN, deadline, what);
    if (reason == SSL_ERROR_WANT_WRITE) return wait_ready(socket_.get(), POLLOUT, deadline, what);
    if (reason == SSL_ERROR_SYSCALL) return Error(what + ": connection reset");
    return tls_error(what);
}

Status TlsStream::write_all(std::string_view bytes, Deadline deadline) {
    while (!bytes.empty()) {
        std::size_t written = 0;
        const int rc = SSL_write_ex(ssl_.get(), bytes.data(), bytes.size(), &written);
        if (rc == 1) {
            bytes.remove_prefix(written);
            continue;
        }
        HNBSEC_CHECK(wait_or_fail(rc, deadline, "TLS write"));
    }
    return Ok{};
}

Result<std::size_t> TlsStream::read_some(std::span<std::uint8_t> into, Deadline deadline) {
    for (;;) {
        std::size_t got = 0;
        const int rc = SSL_read_ex(ssl_.get(), into.data(), into.size(), &got);
        if (rc == 1) return got;
        if (SSL_get_error(ssl_.get(), rc) == SSL_ERROR_ZERO_RETURN) return std::size_t{0};
        HNBSEC_CHECK(wait_or_fail(rc, deadline, "TLS read"));
    }
}

std::string TlsStream::version() const {
    return SSL_get_version(ssl_.get());
}

std::string TlsStream::cipher() const {
    const SSL_CIPHER* cipher = SSL_get_current_cipher(ssl_.get());
    return cipher == nullptr ? std::string() : SSL_CIPHER_get_name(cipher);
}

std::string TlsStream::peer_subject() const {
    X509* peer = SSL_get0_peer_certificate(ssl_.get());
    return peer == nullptr ? std::string() : ossl::name_text(X509_get_subject_name(peer));
}

}  // namespace hnbsec::emulator
