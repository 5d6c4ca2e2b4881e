// The H(e)MS service on loopback against an in-process OpenSSL client: a CWMP session
// over mutual TLS, a refused client without certificate, and an adopted listening fd.

#include <condition_variable>
#include <csignal>
#include <fstream>
#include <sstream>

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixtures/pki/test_support.h"
#include "harness/roles/hems/hems_setup.h"
#include "proto/http/http.h"

namespace hnbsec::hems {
namespace {

using namespace std::chrono_literals;

const pki::Manifest& manifest() {
    const auto& shared = pki::testing::shared_pki();
    EXPECT_TRUE(shared.manifest.ok());
    return *shared.manifest;
}

class Events {
public:
    HemsService::EventSink sink() {
        return [this](const HemsEvent& e) {
            const std::lock_guard lock(mutex_);
            lines_.push_back(to_string(e));
            changed_.notify_all();
        };
    }
    // Waits up to `timeout` for a line containing `text`.
    bool wait_for(const std::string& text, std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, timeout, [&] {
            for (const auto& l : lines_) {
                if (l.find(text) != std::string::npos) return true;
            }
            return false;
        });
    }
    std::string all() {
        const std::lock_guard lock(mutex_);
        std::string out;
        for (const auto& l : lines_) out += l + "\n";
        return out;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> lines_;
};

int connect_to(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    timeval tv{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);  // NOLINT: sockets API
    return fd;
}

// A TLS client with an optional device certificate (manifest name).
struct Client {
    SSL_CTX* ctx = nullptr;
    SSL* ssl = nullptr;
    int fd = -1;

    Client(std::uint16_t port, const std::string& cert) {
        (void)std::signal(SIGPIPE, SIG_IGN);  // a refused client writes into a closed connection
        ctx = SSL_CTX_new(TLS_client_method());
        if (!cert.empty()) {
            const auto* e = manifest().find(cert);
            SSL_CTX_use_certificate_file(ctx, manifest().file(*e, "pem").c_str(), SSL_FILETYPE_PEM);
            SSL_CTX_use_PrivateKey_file(ctx, manifest().file(*e, "key").c_str(), SSL_FILETYPE_PEM);
        }
        fd = connect_to(port);
        ssl = SSL_new(ctx);
        SSL_set_fd(ssl, fd);
    }
    ~Client() {
        SSL_free(ssl);
        SSL_CTX_free(ctx);
        ::close(fd);
    }
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;

    // Sends one POST and reads one response (nullopt when the server closed or refused).
    std::optional<http::Response> post(const std::string& body) {
        http::Request r;
        r.method = "POST";
        r.target = "/cwmp";
        r.version = "HTTP/1.1";
        r.headers.push_back({"Host", "hems.lab.test"});
        r.body = body;
        const std::string bytes = http::serialize(r);
        if (SSL_write(ssl, bytes.data(), static_cast<int>(bytes.size())) <= 0) return std::nullopt;
        http::ResponseParser parser;
        char buffer[4096];
        for (;;) {
            const int n = SSL_read(ssl, buffer, sizeof buffer);
            if (n <= 0) return std::nullopt;
            const auto state = parser.feed(std::string_view(buffer, static_cast<std::size_t>(n)));
            if (state == http::ResponseParser::State::kComplete) return parser.take();
            if (state == http::ResponseParser::State::kError) return std::nullopt;
        }
    }
};

std::string inform_xml() {
    cwmp::Inform inform;
    inform.device_id = {"ACME", "0001A2", "FAP", "SN0001"};
    inform.events = {{"0 BOOTSTRAP", ""}};
    inform.current_time = "2026-11-28T19:30:00Z";
    return cwmp::encode_envelope(cwmp::Envelope{"1", 0, false, inform});
}

HemsConfig config_for(const std::string& certificate = "hems-ec") {
    HemsKnobs knobs;
    knobs.certificate = certificate;
    auto config = hems_setup(manifest(), profile::Release::kRel15, knobs);
    EXPECT_TRUE(config.ok()) << (config.ok() ? "" : config.error().message());
    return *config;
}

TEST(HemsService, CwmpSessionOverMutualTls) {
    Events events;
    HemsService service(config_for(), events.sink());
    ASSERT_TRUE(service.listen("127.0.0.1", 0).ok());
    service.queue().push(cwmp::GetParameterValues{{"Device.DeviceInfo."}});
    ASSERT_TRUE(service.start().ok());
    ASSERT_TRUE(events.wait_for("listening: 127.0.0.1:"));
    {
        Client client(service.local_port(), "device-file-ec");
        ASSERT_EQ(SSL_connect(client.ssl), 1);
        auto response = client.post(inform_xml());
        ASSERT_TRUE(response.has_value());
        EXPECT_EQ(response->status, 200);
        EXPECT_NE(response->body.find("InformResponse"), std::string::npos);
        response = client.post("");
        ASSERT_TRUE(response.has_value());
        EXPECT_NE(response->body.find("GetParameterValues"), std::string::npos);
        response = client.post(
            cwmp::encode_envelope(cwmp::Envelope{"hems-1", 0, false, cwmp::GetParameterValuesResponse{}}));
        ASSERT_TRUE(response.has_value());
        EXPECT_EQ(response->status, 204);
    }
    EXPECT_TRUE(events.wait_for("client-hello: TLSv1.3")) << events.all();
    EXPECT_TRUE(events.wait_for("verified=yes reason=ok")) << events.all();
    EXPECT_TRUE(events.wait_for("rpc-received: Inform id=1 cwmp-1-0 device=0001A2-SN0001")) << events.all();
    EXPECT_TRUE(events.wait_for("rpc-sent: GetParameterValues id=hems-1")) << events.all();
    EXPECT_TRUE(events.wait_for("session-end: 204")) << events.all();
    service.stop();
}

TEST(HemsService, RefusesAClientWithoutCertificate) {
    Events events;
    HemsService service(config_for(), events.sink());
    ASSERT_TRUE(service.listen("127.0.0.1", 0).ok());
    ASSERT_TRUE(service.start().ok());
    {
        Client client(service.local_port(), "");
        SSL_connect(client.ssl);  // TLS 1.3: the refusal arrives after the client's Finished
        EXPECT_FALSE(client.post(inform_xml()).has_value());
        ERR_clear_error();
    }
    EXPECT_TRUE(events.wait_for("tls-failure: no client certificate")) << events.all();
    EXPECT_FALSE(events.wait_for("rpc-received", 200ms));  // the failure came first
    service.stop();
}

TEST(HemsService, AdoptsAnOpenListeningSocket) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);  // NOLINT: sockets API
    ASSERT_EQ(::listen(fd, 4), 0);
    Events events;
    HemsService service(config_for("hems"), events.sink());
    ASSERT_TRUE(service.adopt(fd).ok());
    ASSERT_TRUE(service.start().ok());
    Client client(service.local_port(), "device-file");
    ASSERT_EQ(SSL_connect(client.ssl), 1);
    auto response = client.post(inform_xml());
    ASSERT_TRUE(response.has_value());
    EXPECT_EQ(response->status, 200);
    service.stop();  // with the connection still open: stop() must not hang
}

TEST(HemsSetup, NamesAnUnknownCertificate) {
    HemsKnobs knobs;
    knobs.certificate = "no-such-cert";
    auto config = hems_setup(manifest(), profile::Release::kRel15, knobs);
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.error().what().find("no certificate named 'no-such-cert'"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::hems
