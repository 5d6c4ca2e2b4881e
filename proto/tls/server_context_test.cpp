// A server context from the test PKI against an OpenSSL client over memory BIOs: the
// ClientHello is recorded, a vendor-issued device certificate verifies, a certificate from
// another hierarchy is refused with OpenSSL's reason, and the key log sees the secrets.

#include "proto/tls/server_context.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/pem.h>

#include "fixtures/pki/test_support.h"

namespace hnbsec::tls {
namespace {

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

const pki::Manifest& manifest() {
    const auto& shared = pki::testing::shared_pki();
    EXPECT_TRUE(shared.manifest.ok());
    return *shared.manifest;
}

std::string pem(const std::string& name, const std::string& which = "pem") {
    const auto* entry = manifest().find(name);
    EXPECT_NE(entry, nullptr) << name;
    return entry == nullptr ? std::string() : read(manifest().file(*entry, which));
}

ServerConfig hems_config() {
    ServerConfig config;
    config.chain_pem = pem("hems-ec", "chain");
    config.key_pem = pem("hems-ec", "key");
    config.client_trust_pem = read(manifest().dir / "trust/vendor-trust.pem");
    return config;
}

struct Outcome {
    HandshakeRecord record;
    int server_result = 0;
};

// Runs the handshake between `server_ctx` and a client presenting `client_cert` (manifest
// name, empty for none), pumping the two memory BIO pairs until neither side progresses.
Outcome handshake(SSL_CTX* server_ctx, const std::string& client_cert, int client_max = TLS1_3_VERSION) {
    SSL_CTX* client_ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_max_proto_version(client_ctx, client_max);
    SSL_CTX_set_security_level(client_ctx, 0);
    if (!client_cert.empty()) {
        const std::string cert = pem(client_cert);
        const std::string key = pem(client_cert, "key");
        BIO* cb = BIO_new_mem_buf(cert.data(), static_cast<int>(cert.size()));
        X509* x = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
        BIO* kb = BIO_new_mem_buf(key.data(), static_cast<int>(key.size()));
        EVP_PKEY* k = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
        SSL_CTX_use_certificate(client_ctx, x);
        SSL_CTX_use_PrivateKey(client_ctx, k);
        X509_free(x);
        EVP_PKEY_free(k);
        BIO_free(cb);
        BIO_free(kb);
    }
    SslPtr client(SSL_new(client_ctx));
    SslPtr server(SSL_new(server_ctx));
    SSL_CTX_free(client_ctx);
    BIO* client_side = nullptr;
    BIO* server_side = nullptr;
    BIO_new_bio_pair(&client_side, 0, &server_side, 0);
    SSL_set_bio(client.get(), client_side, client_side);
    SSL_set_bio(server.get(), server_side, server_side);
    SSL_set_connect_state(client.get());
    static char host[] = "hems.lab.test";
    // SSL_set_tlsext_host_name is a macro with a C cast; call what it expands to.
    SSL_ctrl(client.get(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name, host);
    Outcome out;
    attach_record(server.get(), &out.record);
    int server_result = -1;
    for (int round = 0; round < 20; ++round) {
        SSL_do_handshake(client.get());
        server_result = SSL_accept(server.get());
        if (server_result == 1 || SSL_get_error(server.get(), server_result) == SSL_ERROR_SSL) break;
    }
    // TLS 1.3: the client's certificate flight arrives after the client considers itself done.
    if (server_result != 1 && SSL_get_error(server.get(), server_result) != SSL_ERROR_SSL) {
        SSL_do_handshake(client.get());
        server_result = SSL_accept(server.get());
    }
    out.server_result = server_result;
    finish_record(server.get(), server_result, out.record);
    ERR_clear_error();
    return out;
}

TEST(ServerContext, RecordsClientHelloAndVerifiesTheDeviceCertificate) {
    auto ctx = build_server_context(hems_config());
    ASSERT_TRUE(ctx.ok()) << ctx.error().message();
    const Outcome out = handshake(ctx->get(), "device-file-ec");
    EXPECT_EQ(out.server_result, 1) << out.record.failure;
    ASSERT_TRUE(out.record.client_hello.has_value());
    const ClientHello& hello = *out.record.client_hello;
    EXPECT_EQ(hello.legacy_version, 0x0303);
    EXPECT_EQ(hello.highest_version(), 0x0304);
    EXPECT_EQ(hello.server_name, "hems.lab.test");
    EXPECT_FALSE(hello.cipher_suites.empty());
    EXPECT_FALSE(hello.supported_groups.empty());
    EXPECT_FALSE(hello.signature_algorithms.empty());
    EXPECT_TRUE(out.record.client_hello_error.empty());
    EXPECT_EQ(out.record.version, "TLSv1.3");
    EXPECT_TRUE(out.record.peer.verified) << out.record.peer.reason;
    EXPECT_EQ(out.record.peer.reason, "ok");
    EXPECT_NE(out.record.peer.subject.find("CN="), std::string::npos);
}

TEST(ServerContext, RefusesACertificateFromAnotherHierarchy) {
    auto ctx = build_server_context(hems_config());
    ASSERT_TRUE(ctx.ok());
    // The H(e)MS certificate chains to the operator root, which is not in the device trust bundle.
    const Outcome out = handshake(ctx->get(), "segw-ec");
    EXPECT_NE(out.server_result, 1);
    EXPECT_FALSE(out.record.peer.verified);
    EXPECT_EQ(out.record.peer.error, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
    EXPECT_NE(out.record.failure.find("client certificate rejected: unable to get local issuer certificate"),
              std::string::npos)
        << out.record.failure;
}

TEST(ServerContext, RefusesAMissingClientCertificate) {
    auto ctx = build_server_context(hems_config());
    ASSERT_TRUE(ctx.ok());
    const Outcome out = handshake(ctx->get(), "", TLS1_2_VERSION);
    EXPECT_NE(out.server_result, 1);
    EXPECT_EQ(out.record.peer.reason, "no client certificate") << out.record.failure;
}

TEST(ServerContext, RequestModeRecordsButAccepts) {
    ServerConfig config = hems_config();
    config.client_auth = ClientAuth::kRequest;
    auto ctx = build_server_context(config);
    ASSERT_TRUE(ctx.ok());
    const Outcome out = handshake(ctx->get(), "segw-ec");
    EXPECT_EQ(out.server_result, 1) << out.record.failure;
    EXPECT_FALSE(out.record.peer.verified);
    EXPECT_EQ(out.record.peer.reason, "unable to get local issuer certificate");
}

TEST(ServerContext, VersionKnobsAndKeyLog) {
    ServerConfig config = hems_config();
    config.min_version = Version::kTls13;
    std::vector<std::string> lines;
    config.key_log = [&lines](const std::string& line) { lines.push_back(line); };
    auto ctx = build_server_context(config);
    ASSERT_TRUE(ctx.ok());
    EXPECT_NE(handshake(ctx->get(), "device-file-ec", TLS1_2_VERSION).server_result, 1);
    lines.clear();
    EXPECT_EQ(handshake(ctx->get(), "device-file-ec").server_result, 1);
    ASSERT_FALSE(lines.empty());
    bool traffic_secret = false;
    for (const auto& line : lines) traffic_secret |= line.rfind("CLIENT_TRAFFIC_SECRET_0 ", 0) == 0;
    EXPECT_TRUE(traffic_secret);
}

TEST(ServerContext, ReportsBadKnobs) {
    ServerConfig config = hems_config();
    config.cipher_list = "NO-SUCH-CIPHER";
    auto ctx = build_server_context(config);
    ASSERT_FALSE(ctx.ok());
    EXPECT_NE(ctx.error().what().find("cipher list 'NO-SUCH-CIPHER'"), std::string::npos);
    config = hems_config();
    config.key_pem = pem("device-file-ec", "key");
    EXPECT_FALSE(build_server_context(config).ok());
}

}  // namespace
}  // namespace hnbsec::tls
