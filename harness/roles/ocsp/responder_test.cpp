#include "harness/roles/ocsp/responder.h"

#include <thread>

#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include "fixtures/pki/test_support.h"
#include "harness/roles/ocsp/ocsp_http.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ocsp {
namespace {

using pki::testing::shared_pki;

const pki::Manifest& manifest() {
    const auto& shared = shared_pki();
    if (!shared.manifest.ok()) throw std::runtime_error(shared.manifest.error().message());
    return *shared.manifest;
}

ossl::X509Ptr cert(const std::string& name) {
    const auto* entry = manifest().find(name);
    if (entry == nullptr) throw std::runtime_error("no " + name);
    ossl::BioPtr bio(BIO_new_file(manifest().file(*entry, "pem").c_str(), "r"));
    return ossl::X509Ptr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

Bytes der_of(OCSP_REQUEST* request) {
    unsigned char* der = nullptr;
    int n = i2d_OCSP_REQUEST(request, &der);
    Bytes out(der, der + n);
    OPENSSL_free(der);
    return out;
}

// An OCSP request for `name` issued by `issuer`, with a nonce when asked.
Bytes request_for(const std::string& name, const std::string& issuer, bool nonce,
                  const EVP_MD* md = EVP_sha1()) {
    auto subject = cert(name);
    auto ca = cert(issuer);
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_to_id(md, subject.get(), ca.get()));
    if (nonce) OCSP_request_add1_nonce(request.get(), nullptr, -1);
    return der_of(request.get());
}

struct Parsed {
    int response_status = -1;
    ossl::OcspBasicPtr basic;
    int cert_status = -1;
    int reason = -1;
    bool verified = false;
    int nonce_check = -9;  // OCSP_check_nonce
    bool times_valid = false;
};

Parsed parse(const Bytes& der, const Bytes& request_der, const std::vector<std::string>& roots) {
    Parsed parsed;
    const unsigned char* p = der.data();
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response) return parsed;
    parsed.response_status = OCSP_response_status(response.get());
    parsed.basic.reset(OCSP_response_get1_basic(response.get()));
    if (!parsed.basic) return parsed;
    ossl::X509StorePtr store(X509_STORE_new());
    for (const auto& root : roots) X509_STORE_add_cert(store.get(), cert(root).get());
    parsed.verified = OCSP_basic_verify(parsed.basic.get(), nullptr, store.get(), 0) == 1;
    ERR_clear_error();
    OCSP_SINGLERESP* single = OCSP_resp_get0(parsed.basic.get(), 0);
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    parsed.cert_status = OCSP_single_get0_status(single, &parsed.reason, nullptr, &this_update, &next_update);
    parsed.times_valid = OCSP_check_validity(this_update, next_update, 300, -1) == 1;
    ERR_clear_error();
    const unsigned char* q = request_der.data();
    ossl::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &q, static_cast<long>(request_der.size())));
    if (request) parsed.nonce_check = OCSP_check_nonce(request.get(), parsed.basic.get());
    return parsed;
}

class ResponderTest : public testing::Test {
protected:
    void SetUp() override {
        auto created = Responder::create(manifest());
        ASSERT_TRUE(created.ok()) << created.error().message();
        responder_ = std::move(*created);
    }
    std::unique_ptr<Responder> responder_;
};

TEST_F(ResponderTest, AnswersGoodRevokedAndUnknownSignedByTheDelegatedResponder) {
    auto good_request = request_for("segw", "operator-ca", true);
    auto good = responder_->handle(good_request);
    ASSERT_EQ(good.response_status, 0) << good.error;
    EXPECT_EQ(good.signer, "ocsp-signer");
    ASSERT_EQ(good.certs.size(), 1U);
    EXPECT_EQ(good.certs[0].name, "segw");
    EXPECT_EQ(good.certs[0].issuer, "operator-ca");
    EXPECT_TRUE(good.nonce_requested);
    auto parsed = parse(good.der, good_request, {"operator-root-ca"});
    EXPECT_TRUE(parsed.verified);
    EXPECT_EQ(parsed.cert_status, V_OCSP_CERTSTATUS_GOOD);
    EXPECT_EQ(parsed.nonce_check, 1);
    EXPECT_TRUE(parsed.times_valid);

    auto revoked_request = request_for("device-revoked", "vendor-root-ca", false, EVP_sha256());
    auto revoked = responder_->handle(revoked_request);
    EXPECT_EQ(revoked.signer, "ocsp-signer-vendor");
    auto r = parse(revoked.der, revoked_request, {"vendor-root-ca"});
    EXPECT_TRUE(r.verified);
    EXPECT_EQ(r.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    EXPECT_EQ(r.reason, OCSP_REVOKED_STATUS_KEYCOMPROMISE);
    EXPECT_EQ(r.nonce_check, 2);  // no nonce asked, none given

    // A serial the CA never issued.
    auto ca = cert("operator-ca");
    ossl::Asn1IntegerPtr serial(ASN1_INTEGER_new());
    ASN1_INTEGER_set(serial.get(), 0x4242);
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_id_new(EVP_sha1(), X509_get_subject_name(ca.get()),
                                                         X509_get0_pubkey_bitstr(ca.get()), serial.get()));
    auto unknown_request = der_of(request.get());
    auto unknown = responder_->handle(unknown_request);
    EXPECT_EQ(unknown.certs.at(0).status, "unknown");
    EXPECT_EQ(parse(unknown.der, unknown_request, {"operator-root-ca"}).cert_status,
              V_OCSP_CERTSTATUS_UNKNOWN);
}

TEST_F(ResponderTest, CachesAnswersWithoutNonceAndSignsNonceRequestsEachTime) {
    auto request = request_for("hems", "operator-ca", false);
    EXPECT_FALSE(responder_->handle(request).cached);
    auto second = responder_->handle(request);
    EXPECT_TRUE(second.cached);
    EXPECT_EQ(responder_->cache_size(), 1U);
    auto with_nonce = responder_->handle(request_for("hems", "operator-ca", true));
    EXPECT_FALSE(with_nonce.cached);
    EXPECT_EQ(responder_->cache_size(), 1U);
}

TEST_F(ResponderTest, KnobsBreakTheResponseTheWayAClientMustNotice) {
    auto request = request_for("segw", "operator-ca", true);
    auto with = [&](const char* setting) {
        Knobs knobs;
        EXPECT_TRUE(apply_knob(knobs, setting).ok());
        responder_->set_knobs(knobs);
        return responder_->handle(request);
    };
    EXPECT_FALSE(parse(with("stale").der, request, {"operator-root-ca"}).times_valid);
    EXPECT_FALSE(parse(with("bad-signature").der, request, {"operator-root-ca"}).verified);
    auto no_eku = with("signer=no-eku");
    EXPECT_EQ(no_eku.signer, "segw");
    EXPECT_FALSE(parse(no_eku.der, request, {"operator-root-ca"}).verified);
    EXPECT_FALSE(
        parse(with("signer=other-ca").der, request, {"operator-root-ca", "vendor-root-ca"}).verified);
    auto by_ca = with("signer=ca");
    EXPECT_EQ(by_ca.signer, "operator-ca");
    EXPECT_TRUE(parse(by_ca.der, request, {"operator-root-ca"}).verified);
    EXPECT_EQ(parse(with("nonce=wrong").der, request, {"operator-root-ca"}).nonce_check, 0);
    EXPECT_EQ(parse(with("nonce=omit").der, request, {"operator-root-ca"}).nonce_check, -1);
    EXPECT_EQ(parse(with("status=tryLater").der, request, {}).response_status, OCSP_RESPONSE_STATUS_TRYLATER);
    responder_->set_knobs(Knobs{});
    EXPECT_TRUE(parse(responder_->handle(request).der, request, {"operator-root-ca"}).verified);
}

TEST_F(ResponderTest, GarbageAndForeignIssuersAreRefusedInBand) {
    Bytes garbage = {0x30, 0x03, 0x02, 0x01};
    auto refused = responder_->handle(garbage);
    EXPECT_EQ(refused.response_status, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    EXPECT_FALSE(refused.error.empty());
    EXPECT_EQ(parse(refused.der, {}, {}).response_status, OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
    // A CertID naming an issuer outside the PKI: not authoritative (RFC 6960 §2.3).
    auto segw = cert("segw");
    auto stranger = cert("vendor-root-ca");
    ossl::OcspRequestPtr request(OCSP_REQUEST_new());
    OCSP_request_add0_id(request.get(), OCSP_cert_to_id(EVP_sha1(), segw.get(), stranger.get()));
    auto foreign = responder_->handle(der_of(request.get()));
    // vendor-root-ca is in the PKI, so the serial is simply unknown to it.
    EXPECT_EQ(foreign.certs.at(0).status, "unknown");
}

TEST_F(ResponderTest, StaplingApiAnswersForACertificate) {
    auto segw = cert("segw-revoked");
    Bytes nonce = {1, 2, 3, 4};
    auto der = responder_->response_for(segw.get(), nonce);
    ASSERT_TRUE(der.ok()) << der.error().message();
    auto parsed = parse(*der, {}, {"operator-root-ca"});
    EXPECT_TRUE(parsed.verified);
    EXPECT_EQ(parsed.cert_status, V_OCSP_CERTSTATUS_REVOKED);
    auto stranger = cert("segw-self-signed");
    EXPECT_FALSE(responder_->response_for(stranger.get()).ok());
}

TEST_F(ResponderTest, ServesConcurrentRequestsWhileKnobsChange) {
    auto request = request_for("segw", "operator-ca", true);
    std::vector<std::thread> threads;
    threads.reserve(4);
    std::atomic<int> failures{0};
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 20; ++i) {
                if (responder_->handle(request).der.empty()) ++failures;
            }
        });
    }
    for (int i = 0; i < 20; ++i) responder_->set_knobs(i % 2 == 0 ? Knobs{} : Knobs{.stale = true});
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
}

TEST_F(ResponderTest, HttpBindingTakesPostAndGetAndRefusesBadBase64) {
    std::vector<OcspEvent> events;
    OcspHttp http(*responder_, "/ocsp", [&](const OcspEvent& e) { events.push_back(e); });
    auto request = request_for("segw", "operator-ca", false);
    http::Request post{"POST",
                       "/ocsp",
                       "HTTP/1.1",
                       {{"Content-Type", "application/ocsp-request"}},
                       std::string(request.begin(), request.end())};
    http_server::Peer peer{"127.0.0.1", 1, "public"};
    ASSERT_TRUE(http.matches(post));
    auto posted = http.handle(post, peer);
    EXPECT_EQ(posted.response.status, 200);
    EXPECT_EQ(posted.response.header("Content-Type"), "application/ocsp-response");
    std::string b64;
    {
        static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (std::size_t i = 0; i < request.size(); i += 3) {
            unsigned v = static_cast<unsigned>(request[i]) << 16;
            if (i + 1 < request.size()) v |= static_cast<unsigned>(request[i + 1]) << 8;
            if (i + 2 < request.size()) v |= request[i + 2];
            b64 += alphabet[(v >> 18) & 63];
            b64 += alphabet[(v >> 12) & 63];
            b64 += i + 1 < request.size() ? alphabet[(v >> 6) & 63] : '=';
            b64 += i + 2 < request.size() ? alphabet[v & 63] : '=';
        }
    }
    std::string escaped;
    for (char c : b64) escaped += c == '+' ? "%2B" : c == '/' ? "%2F" : c == '=' ? "%3D" : std::string(1, c);
    http::Request get{"GET", "/ocsp/" + escaped, "HTTP/1.1", {}, ""};
    ASSERT_TRUE(http.matches(get));
    auto got = http.handle(get, peer);
    EXPECT_EQ(got.response.status, 200);
    EXPECT_EQ(got.response.body, posted.response.body);  // the cached answer, byte for byte
    auto bad = http.handle(http::Request{"GET", "/ocsp/%%%", "HTTP/1.1", {}, ""}, peer);
    EXPECT_EQ(bad.response.status, 400);
    auto junk = http.handle(http::Request{"POST", "/ocsp", "HTTP/1.1", {}, "junk"}, peer);
    EXPECT_EQ(junk.response.status, 400);
    ASSERT_EQ(events.size(), 4U);
    EXPECT_EQ(events[1].method, "GET");
    EXPECT_EQ(events[1].peer.listener, "public");
    EXPECT_NE(to_string(events[0]).find("operator-ca/"), std::string::npos) << to_string(events[0]);
    EXPECT_FALSE(http.matches(http::Request{"GET", "/crl/x.crl", "HTTP/1.1", {}, ""}));
}

}  // namespace
}  // namespace hnbsec::ocsp
