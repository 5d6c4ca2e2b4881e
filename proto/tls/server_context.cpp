#include "proto/tls/server_context.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509_vfy.h>

#include "proto/ossl/certificate.h"

namespace hnbsec::tls {
namespace {

// The ex_data slot that carries each SSL's HandshakeRecord into the callbacks.
int record_index() {
    static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
    return index;
}

HandshakeRecord* record_of(const SSL* ssl) {
    return static_cast<HandshakeRecord*>(SSL_get_ex_data(ssl, record_index()));
}

// Error unless `ok`, with OpenSSL's queue appended.
Status openssl_check(bool ok, const std::string& what) {
    if (ok) return Ok{};
    return Error("TLS server context: " + what + ": " + drain_openssl_errors());
}

int on_client_hello(SSL* ssl, int* /*alert*/, void* /*arg*/) {
    HandshakeRecord* record = record_of(ssl);
    if (record == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
    ClientHello hello;
    hello.legacy_version = static_cast<std::uint16_t>(SSL_client_hello_get0_legacy_version(ssl));
    const unsigned char* suites = nullptr;
    const std::size_t suites_length = SSL_client_hello_get0_ciphers(ssl, &suites);
    for (std::size_t i = 0; i + 1 < suites_length; i += 2) {
        hello.cipher_suites.push_back(
            static_cast<std::uint16_t>((suites[i] << 8U) | suites[i + 1]));  // NOLINT
    }
    int* types = nullptr;
    std::size_t count = 0;
    if (SSL_client_hello_get1_extensions_present(ssl, &types, &count) == 1) {
        for (std::size_t i = 0; i < count; ++i)
            hello.extensions.push_back(static_cast<std::uint16_t>(types[i]));  // NOLINT
        OPENSSL_free(types);
    }
    const auto extension = [ssl](unsigned type) -> std::optional<std::span<const std::uint8_t>> {
        const unsigned char* data = nullptr;
        std::size_t length = 0;
        if (SSL_client_hello_get0_ext(ssl, type, &data, &length) != 1) return std::nullopt;
        return std::span<const std::uint8_t>(data, length);
    };
    std::string error;
    const auto keep = [&error](auto result, auto& into) {
        if (result.ok()) {
            into = std::move(result).value();
        } else if (error.empty()) {
            error = result.error().what();
        }
    };
    if (auto body = extension(TLSEXT_TYPE_supported_versions))
        keep(decode_supported_versions(*body), hello.supported_versions);
    if (auto body = extension(TLSEXT_TYPE_server_name)) keep(decode_server_name(*body), hello.server_name);
    if (auto body = extension(TLSEXT_TYPE_signature_algorithms)) {
        keep(decode_u16_list(*body, "signature_algorithms"), hello.signature_algorithms);
    }
    if (auto body = extension(TLSEXT_TYPE_supported_groups)) {
        keep(decode_u16_list(*body, "supported_groups"), hello.supported_groups);
    }
    record->client_hello = std::move(hello);
    record->client_hello_error = std::move(error);
    return SSL_CLIENT_HELLO_SUCCESS;
}

// Records the first verification error and the leaf's names; for kRequest it lets the
// handshake continue whatever the result, so the test can look at a bad certificate.
int on_verify(int preverify_ok, X509_STORE_CTX* store) {
    auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    HandshakeRecord* record = ssl == nullptr ? nullptr : record_of(ssl);
    const int depth = X509_STORE_CTX_get_error_depth(store);
    if (record != nullptr) {
        PeerVerification& peer = record->peer;
        if (depth == 0 || !peer.presented) {
            if (X509* leaf = X509_STORE_CTX_get0_cert(store)) {
                peer.presented = true;
                peer.subject = ossl::name_text(X509_get_subject_name(leaf));
                peer.issuer = ossl::name_text(X509_get_issuer_name(leaf));
            }
        }
        if (preverify_ok == 0 && peer.error == 0) {
            peer.error = X509_STORE_CTX_get_error(store);
            peer.error_depth = depth;
            peer.reason = X509_verify_cert_error_string(peer.error);
            if (depth > 0) peer.reason += " (at chain depth " + std::to_string(depth) + ")";
        }
    }
    const SSL_CTX* ctx = ssl == nullptr ? nullptr : SSL_get_SSL_CTX(ssl);
    const bool required =
        ctx == nullptr || (SSL_CTX_get_verify_mode(ctx) & SSL_VERIFY_FAIL_IF_NO_PEER_CERT) != 0;
    return required ? preverify_ok : 1;
}

void free_key_log(void* /*parent*/, void* ptr, CRYPTO_EX_DATA* /*ad*/, int /*idx*/, long /*argl*/,
                  void* /*argp*/) {
    delete static_cast<std::function<void(const std::string&)>*>(
        ptr);  // NOLINT(cppcoreguidelines-owning-memory)
}

// The key log sink lives in the context's ex_data (the C callback has no user argument) and
// is freed with the context.
int key_log_index() {
    static const int index = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, free_key_log);
    return index;
}

void on_key_log(const SSL* ssl, const char* line) {
    const auto* sink = static_cast<const std::function<void(const std::string&)>*>(
        SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), key_log_index()));
    if (sink != nullptr && *sink) (*sink)(line);
}

Status use_chain(SSL_CTX* ctx, const std::string& chain_pem) {
    BIO* bio = BIO_new_mem_buf(chain_pem.data(), static_cast<int>(chain_pem.size()));
    HNBSEC_CHECK(openssl_check(bio != nullptr, "reading the certificate chain"));
    X509* leaf = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
    Status status = openssl_check(leaf != nullptr && SSL_CTX_use_certificate(ctx, leaf) == 1,
                                  "using the server certificate");
    X509_free(leaf);
    while (status.ok()) {
        X509* extra = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        if (extra == nullptr) break;
        // add1: the context takes its own reference.
        status = openssl_check(SSL_CTX_add1_chain_cert(ctx, extra) == 1, "adding a chain certificate");
        X509_free(extra);
    }
    ERR_clear_error();  // the end-of-PEM "no start line" is not an error here
    BIO_free(bio);
    return status;
}

Status use_key(SSL_CTX* ctx, const ServerConfig& config) {
    if (config.key != nullptr) {
        return openssl_check(SSL_CTX_use_PrivateKey(ctx, config.key) == 1, "using the server key");
    }
    BIO* bio = BIO_new_mem_buf(config.key_pem.data(), static_cast<int>(config.key_pem.size()));
    HNBSEC_CHECK(openssl_check(bio != nullptr, "reading the server key"));
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    Status status =
        openssl_check(key != nullptr && SSL_CTX_use_PrivateKey(ctx, key) == 1, "using the server key");
    EVP_PKEY_free(key);
    return status;
}

Status use_trust(SSL_CTX* ctx, const ServerConfig& config) {
    X509_STORE* store = SSL_CTX_get_cert_store(ctx);
    STACK_OF(X509_NAME)* names = sk_X509_NAME_new_null();
    BIO* bio =
        BIO_new_mem_buf(config.client_trust_pem.data(), static_cast<int>(config.client_trust_pem.size()));
    int count = 0;
    while (bio != nullptr) {
        X509* ca = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        if (ca == nullptr) break;
        X509_STORE_add_cert(store, ca);
        // certificate_authorities (RFC 8446 §4.2.4) / CertificateRequest CA list: tells the client which
        // roots count.
        if (names != nullptr) sk_X509_NAME_push(names, X509_NAME_dup(X509_get_subject_name(ca)));
        X509_free(ca);
        ++count;
    }
    BIO_free(bio);
    ERR_clear_error();
    SSL_CTX_set_client_CA_list(ctx, names);
    if (count == 0 && config.client_auth != ClientAuth::kNone) {
        return Error("TLS server context: the client trust bundle holds no certificate");
    }
    if (!config.crl_pem.empty()) {
        BIO* crls = BIO_new_mem_buf(config.crl_pem.data(), static_cast<int>(config.crl_pem.size()));
        int crl_count = 0;
        while (crls != nullptr) {
            X509_CRL* crl = PEM_read_bio_X509_CRL(crls, nullptr, nullptr, nullptr);
            if (crl == nullptr) break;
            X509_STORE_add_crl(store, crl);
            X509_CRL_free(crl);
            ++crl_count;
        }
        BIO_free(crls);
        ERR_clear_error();
        if (crl_count == 0) return Error("TLS server context: the CRL text holds no CRL");
        X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
    }
    return Ok{};
}

}  // namespace

std::string drain_openssl_errors() {
    std::string out;
    char text[256];
    while (const unsigned long code = ERR_get_error()) {
        ERR_error_string_n(code, text, sizeof text);
        if (!out.empty()) out += "; ";
        out += text;
    }
    return out.empty() ? "no OpenSSL error" : out;
}

Result<SslCtxPtr> build_server_context(const ServerConfig& config) {
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    HNBSEC_CHECK(openssl_check(ctx != nullptr, "SSL_CTX_new"));
    SSL_CTX* c = ctx.get();
    // TLS 1.0/1.1 are only reachable when a knob asks for them; OpenSSL 3's default security
    // level 1 refuses them (no SHA-1 signatures), so lower it only then.
    if (config.min_version < Version::kTls12) SSL_CTX_set_security_level(c, 0);
    HNBSEC_CHECK(openssl_check(SSL_CTX_set_min_proto_version(c, openssl_version(config.min_version)) == 1,
                               "setting the minimum version"));
    HNBSEC_CHECK(openssl_check(SSL_CTX_set_max_proto_version(c, openssl_version(config.max_version)) == 1,
                               "setting the maximum version"));
    if (!config.cipher_list.empty()) {
        HNBSEC_CHECK(openssl_check(SSL_CTX_set_cipher_list(c, config.cipher_list.c_str()) == 1,
                                   "cipher list '" + config.cipher_list + "'"));
    }
    if (!config.ciphersuites.empty()) {
        HNBSEC_CHECK(openssl_check(SSL_CTX_set_ciphersuites(c, config.ciphersuites.c_str()) == 1,
                                   "TLS 1.3 ciphersuites '" + config.ciphersuites + "'"));
    }
    HNBSEC_CHECK(use_chain(c, config.chain_pem));
    HNBSEC_CHECK(use_key(c, config));
    HNBSEC_CHECK(openssl_check(SSL_CTX_check_private_key(c) == 1, "the key does not match the certificate"));
    HNBSEC_CHECK(use_trust(c, config));
    int mode = SSL_VERIFY_NONE;
    if (config.client_auth == ClientAuth::kRequire) mode = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
    if (config.client_auth == ClientAuth::kRequest) mode = SSL_VERIFY_PEER;
    SSL_CTX_set_verify(c, mode, on_verify);
    SSL_CTX_set_client_hello_cb(c, on_client_hello, nullptr);
    // No session resumption: every connection shows its full handshake and client certificate.
    SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_num_tickets(c, 0);
    SSL_CTX_set_options(c, SSL_OP_NO_TICKET);
    if (config.key_log) {
        auto* sink =
            new std::function<void(const std::string&)>(config.key_log);  // NOLINT: freed with the context
        SSL_CTX_set_ex_data(c, key_log_index(), sink);
        SSL_CTX_set_keylog_callback(c, on_key_log);
    }
    return ctx;
}

void attach_record(SSL* ssl, HandshakeRecord* record) {
    SSL_set_ex_data(ssl, record_index(), record);
}

void finish_record(SSL* ssl, int accept_result, HandshakeRecord& record) {
    PeerVerification& peer = record.peer;
    if (accept_result == 1) {
        record.version = SSL_get_version(ssl);
        record.cipher = SSL_get_cipher_name(ssl);
        if (X509* leaf = SSL_get1_peer_certificate(ssl)) {
            peer.presented = true;
            peer.subject = ossl::name_text(X509_get_subject_name(leaf));
            peer.issuer = ossl::name_text(X509_get_issuer_name(leaf));
            X509_free(leaf);
        }
        const long result = SSL_get_verify_result(ssl);
        peer.verified = peer.presented && result == X509_V_OK && peer.error == 0;
        if (!peer.presented) {
            peer.reason = "no client certificate";
        } else if (peer.verified) {
            peer.reason = "ok";
        } else if (peer.reason.empty()) {
            peer.error = static_cast<int>(result);
            peer.reason = X509_verify_cert_error_string(result);
        }
        return;
    }
    const int ssl_error = SSL_get_error(ssl, accept_result);
    std::string queue = drain_openssl_errors();
    if (peer.error != 0) {
        record.failure = "client certificate rejected: " + peer.reason;
    } else if (!peer.presented && queue.find("peer did not return a certificate") != std::string::npos) {
        record.failure = "no client certificate";
        peer.reason = "no client certificate";
        return;
    } else if (const auto alert = queue.find(" alert "); alert != std::string::npos) {
        // "error:0A000415:SSL routines::sslv3 alert certificate expired": the client refused
        // us (RFC 8446 §6.2); the alert's description is the device's reason.
        const auto end = queue.find(';', alert);
        record.failure =
            "the client sent the alert '" +
            queue.substr(alert + 7, end == std::string::npos ? std::string::npos : end - alert - 7) + "'";
    } else if (ssl_error == SSL_ERROR_SYSCALL) {
        record.failure = "connection closed or timed out during the handshake";
    } else {
        record.failure = "handshake failed";
    }
    record.failure += " (" + queue + ")";
}

}  // namespace hnbsec::tls
