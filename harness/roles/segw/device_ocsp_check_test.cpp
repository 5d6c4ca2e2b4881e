// The SeGW's OCSP client against a real responder: the harness's own (harness/roles/ocsp),
// served over HTTP on loopback in this process, with its misbehaviour knobs. The
// independent responder (`openssl ocsp`) is in tests/test_device_ocsp_interop.py.

#include "harness/roles/segw/device_ocsp_check.h"

#include <atomic>
#include <fstream>
#include <iterator>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <openssl/pem.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fixtures/pki/test_support.h"
#include "harness/roles/http_server/http_server.h"
#include "harness/roles/ocsp/ocsp_http.h"
#include "harness/roles/ocsp/responder.h"
#include "harness/roles/segw/peer_certificate_check.h"
#include "proto/ossl/certificate.h"

namespace hnbsec::segw {
namespace {

using testing::HasSubstr;
constexpr const char* kIdentity = "00A0C9000001.hnb.lab.test";

const pki::Manifest& manifest() {
    const auto& shared = pki::testing::shared_pki();
    EXPECT_TRUE(shared.manifest.ok()) << shared.manifest.error().message();
    return *shared.manifest;
}

Der read(const std::string& name) {
    const pki::Entry* entry = manifest().find(name);
    EXPECT_NE(entry, nullptr) << name;
    std::ifstream in(manifest().file(*entry, "der"), std::ios::binary);
    return Der(std::istreambuf_iterator<char>(in), {});
}

ossl::X509Ptr cert(const std::string& name) {
    auto parsed = ossl::parse_certificate(read(name), name);
    EXPECT_TRUE(parsed.ok()) << name;
    return parsed.ok() ? std::move(*parsed) : nullptr;
}

// A port nothing listens on: bound, then closed.
std::uint16_t closed_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    socklen_t length = sizeof a;
    EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &length), 0);
    ::close(fd);
    return ntohs(a.sin_port);
}

// The harness responder on 127.0.0.1:<port>/ocsp, counting the requests it answered.
class DeviceOcspCheck : public testing::Test {
protected:
    void SetUp() override {
        auto responder = ocsp::Responder::create(manifest());
        ASSERT_TRUE(responder.ok()) << responder.error().message();
        responder_ = std::move(*responder);
        http_ = std::make_unique<ocsp::OcspHttp>(*responder_, "/ocsp",
                                                 [this](const ocsp::OcspEvent&) { ++queries_; });
        server_ = std::make_unique<http_server::HttpServer>(
            [this](const http::Request& request, const http_server::Peer& peer) -> http_server::Reply {
                return http_->handle(request, peer);
            },
            nullptr);
        auto port = server_->listen("127.0.0.1", 0, "public");
        ASSERT_TRUE(port.ok()) << port.error().message();
        url_ = "http://127.0.0.1:" + std::to_string(*port) + "/ocsp";
        thread_ = std::thread([this] { server_->run(); });
    }
    void TearDown() override {
        if (server_) server_->stop();
        if (thread_.joinable()) thread_.join();
    }

    OcspClientOptions options(std::optional<std::string> url = std::nullopt) const {
        OcspClientOptions o;
        o.url = url ? url : std::optional<std::string>(url_);
        o.trust_anchors = {read("vendor-root-ca")};
        return o;
    }
    std::shared_ptr<DeviceOcspChecker> checker(OcspClientOptions o) const {
        auto made = DeviceOcspChecker::create(std::move(o));
        EXPECT_TRUE(made.ok()) << made.error().message();
        return made.ok() ? *made : nullptr;
    }
    OcspOutcome check(const std::string& device, OcspClientOptions o) {
        auto leaf = cert(device);
        auto issuer = cert("vendor-root-ca");
        return checker(std::move(o))->check(leaf.get(), issuer.get());
    }
    void knob(const std::string& setting) {
        ocsp::Knobs k = responder_->knobs();
        ASSERT_TRUE(ocsp::apply_knob(k, setting).ok()) << setting;
        responder_->set_knobs(k);
    }

    std::unique_ptr<ocsp::Responder> responder_;
    std::unique_ptr<ocsp::OcspHttp> http_;
    std::unique_ptr<http_server::HttpServer> server_;
    std::thread thread_;
    std::string url_;
    std::atomic<int> queries_{0};
};

TEST_F(DeviceOcspCheck, GoodDeviceIsGoodAndCachedUntilNextUpdate) {
    auto c = checker(options());
    auto leaf = cert("device-file");
    auto issuer = cert("vendor-root-ca");
    std::vector<OcspOutcome> observed;
    c->set_observer([&](const OcspOutcome& o) { observed.push_back(o); });

    const OcspOutcome first = c->check(leaf.get(), issuer.get());
    EXPECT_EQ(first.status, OcspStatus::kGood) << to_string(first);
    EXPECT_FALSE(first.cached);
    EXPECT_EQ(first.url, url_);
    EXPECT_EQ(queries_, 1);

    const OcspOutcome second = c->check(leaf.get(), issuer.get());
    EXPECT_EQ(second.status, OcspStatus::kGood);
    EXPECT_TRUE(second.cached);
    EXPECT_EQ(queries_, 1) << "a cached good answer must not query the responder again";
    EXPECT_EQ(c->cache_size(), 1U);
    ASSERT_EQ(observed.size(), 2U);
    EXPECT_THAT(to_string(observed[1]), HasSubstr("(cached)"));
}

TEST_F(DeviceOcspCheck, RevokedDeviceIsRevokedWithItsReasonAndNotCached) {
    auto c = checker(options());
    auto leaf = cert("device-revoked");
    auto issuer = cert("vendor-root-ca");
    const OcspOutcome outcome = c->check(leaf.get(), issuer.get());
    EXPECT_EQ(outcome.status, OcspStatus::kRevoked) << to_string(outcome);
    EXPECT_THAT(outcome.detail, HasSubstr("reason "));
    EXPECT_EQ(c->cache_size(), 0U);
    EXPECT_EQ(c->check(leaf.get(), issuer.get()).status, OcspStatus::kRevoked);
    EXPECT_EQ(queries_, 2);
}

TEST_F(DeviceOcspCheck, ResponderDownIsAFailure) {
    const OcspOutcome outcome =
        check("device-file", options("http://127.0.0.1:" + std::to_string(closed_port()) + "/ocsp"));
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("unreachable"));
}

TEST_F(DeviceOcspCheck, SilentResponderTimesOutWithinTheBound) {
    knob("delay=3000");
    auto o = options();
    o.timeout = std::chrono::milliseconds(300);
    const auto start = std::chrono::steady_clock::now();
    const OcspOutcome outcome = check("device-file", o);
    const auto took = std::chrono::steady_clock::now() - start;
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("timed out"));
    EXPECT_LT(took, std::chrono::milliseconds(1500));
}

TEST_F(DeviceOcspCheck, ConnectionClosedWithoutAnswerIsAFailure) {
    knob("no-answer");
    const OcspOutcome outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("without an answer"));
}

TEST_F(DeviceOcspCheck, UnauthorisedSignersAreRefused) {
    for (const char* setting : {"signer=other-ca", "signer=no-eku", "bad-signature"}) {
        SCOPED_TRACE(setting);
        responder_->set_knobs({});
        knob(setting);
        const OcspOutcome outcome = check("device-file", options());
        EXPECT_EQ(outcome.status, OcspStatus::kFailed) << to_string(outcome);
        EXPECT_THAT(outcome.detail, HasSubstr("not trusted"));
    }
}

TEST_F(DeviceOcspCheck, TheIssuingCaMaySignItself) {
    knob("signer=ca");
    const OcspOutcome outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kGood) << to_string(outcome);
}

TEST_F(DeviceOcspCheck, NonceMustBeOursWhenEchoed) {
    knob("nonce=wrong");
    OcspOutcome outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("nonce"));
    responder_->set_knobs({});
    knob("nonce=omit");
    outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kGood) << to_string(outcome);
}

TEST_F(DeviceOcspCheck, StaleAnswerIsRefused) {
    knob("stale");
    const OcspOutcome outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("validity"));
}

TEST_F(DeviceOcspCheck, ErrorStatusIsRefused) {
    knob("status=tryLater");
    const OcspOutcome outcome = check("device-file", options());
    EXPECT_EQ(outcome.status, OcspStatus::kFailed);
    EXPECT_THAT(outcome.detail, HasSubstr("trylater"));
}

TEST_F(DeviceOcspCheck, WithoutAConfiguredUrlTheAiaIsAskedThroughTheConnector) {
    const std::uint16_t port = static_cast<std::uint16_t>(std::stoi(url_.substr(url_.rfind(':') + 1)));
    std::string asked;
    OcspClientOptions o;
    o.trust_anchors = {read("vendor-root-ca")};
    // The lab's connector opens its sockets elsewhere (a namespace); here: our loopback server.
    o.connector = [&](const std::string& host, std::uint16_t p, std::chrono::milliseconds timeout) {
        asked = host + ":" + std::to_string(p);
        return connect_tcp("127.0.0.1", port, timeout);
    };
    const OcspOutcome outcome = check("device-file", o);
    ASSERT_FALSE(outcome.url.empty()) << "the test PKI's devices carry an AIA id-ad-ocsp";
    EXPECT_THAT(outcome.url, HasSubstr(asked));
    EXPECT_NE(asked, "127.0.0.1:" + std::to_string(port));
    EXPECT_EQ(outcome.status, OcspStatus::kGood) << to_string(outcome);
}

// The SeGW's decision (peer_certificate_check.h): OCSP alone is hard-fail; with a CRL,
// only OCSP "revoked" overrides it.
class DeviceCheckWithOcsp : public DeviceOcspCheck {
protected:
    PeerCheckPolicy policy(bool with_crl, std::optional<std::string> url = std::nullopt) {
        PeerCheckPolicy p;
        p.trust_anchors = {read("vendor-root-ca")};
        if (with_crl) p.crls = {read("vendor-root-ca.crl")};
        p.expected_identity = kIdentity;
        p.ocsp = checker(options(std::move(url)));
        return p;
    }
    std::string down_url() const { return "http://127.0.0.1:" + std::to_string(closed_port()) + "/ocsp"; }
};

TEST_F(DeviceCheckWithOcsp, OcspOnlyRefusesTheRevokedDeviceSaysWhy) {
    auto result = check_peer_certificate({read("device-revoked")}, kIdentity, policy(false));
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message(), HasSubstr("device certificate revoked (OCSP, reason "));
    EXPECT_EQ(queries_, 1);
}

TEST_F(DeviceCheckWithOcsp, OcspOnlyAcceptsTheGoodDevice) {
    auto result = check_peer_certificate({read("device-file")}, kIdentity, policy(false));
    EXPECT_TRUE(result.ok()) << result.error().message();
}

TEST_F(DeviceCheckWithOcsp, OcspOnlyIsHardFailWhenTheResponderIsDown) {
    auto result = check_peer_certificate({read("device-file")}, kIdentity, policy(false, down_url()));
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message(), HasSubstr("OCSP hard-fail"));
    EXPECT_THAT(result.error().message(), HasSubstr("unreachable"));
}

TEST_F(DeviceCheckWithOcsp, CrlAnswerStandsWhenTheResponderIsDown) {
    auto result = check_peer_certificate({read("device-file")}, kIdentity, policy(true, down_url()));
    EXPECT_TRUE(result.ok()) << result.error().message();
}

TEST_F(DeviceCheckWithOcsp, CrlRevocationRefusesBeforeOcspIsAsked) {
    auto result = check_peer_certificate({read("device-revoked")}, kIdentity, policy(true));
    ASSERT_FALSE(result.ok());
    EXPECT_THAT(result.error().message(), HasSubstr("certificate revoked"));
    EXPECT_EQ(queries_, 0);
}

}  // namespace
}  // namespace hnbsec::segw
