#include "harness/roles/crl/crl_server.h"

#include <gtest/gtest.h>

#include "fixtures/pki/file_io.h"
#include "fixtures/pki/test_support.h"

namespace hnbsec::crl {
namespace {

const pki::Manifest& manifest() {
    const auto& shared = pki::testing::shared_pki();
    if (!shared.manifest.ok()) throw std::runtime_error(shared.manifest.error().message());
    return *shared.manifest;
}

std::string der_of(const std::string& name) {
    return *pki::read_file(manifest().file(*manifest().find(name), "der"));
}

http::Request get(const std::string& target) {
    return http::Request{"GET", target, "HTTP/1.1", {}, ""};
}

TEST(CrlServer, ServesEachCrlAndTheVariantTheKnobSelects) {
    std::vector<CrlEvent> events;
    auto server = CrlServer::create(manifest(), "/crl/", [&](const CrlEvent& e) { events.push_back(e); });
    ASSERT_TRUE(server.ok()) << server.error().message();
    http_server::Peer peer{"127.0.0.1", 5, "public"};
    auto current = (*server)->handle(get("/crl/operator-ca.crl"), peer);
    EXPECT_EQ(current.response.status, 200);
    EXPECT_EQ(current.response.header("Content-Type"), "application/pkix-crl");
    EXPECT_EQ(current.response.body, der_of("operator-ca.crl"));
    const std::vector<std::pair<CrlVariant, std::string>> variants = {
        {CrlVariant::kExpired, "operator-ca-expired.crl"},
        {CrlVariant::kNotYetValid, "operator-ca-not-yet-valid.crl"},
        {CrlVariant::kBadSignature, "operator-ca-bad-signature.crl"}};
    for (const auto& [variant, name] : variants) {
        (*server)->set_variant(variant);
        auto reply = (*server)->handle(get("/crl/operator-ca.crl"), peer);
        EXPECT_EQ(reply.response.body, der_of(name)) << name;
        EXPECT_EQ(events.back().served, name);
        // CAs without a broken twin keep their current CRL.
        EXPECT_EQ((*server)->handle(get("/crl/vendor-root-ca.crl"), peer).response.body,
                  der_of("vendor-root-ca.crl"));
    }
    (*server)->set_variant(CrlVariant::kCurrent);
    EXPECT_EQ((*server)->handle(get("/crl/operator-ca-expired.crl"), peer).response.body,
              der_of("operator-ca-expired.crl"));
    EXPECT_EQ((*server)->handle(get("/crl/none.crl"), peer).response.status, 404);
    EXPECT_EQ((*server)
                  ->handle(http::Request{"POST", "/crl/operator-ca.crl", "HTTP/1.1", {}, ""}, peer)
                  .response.status,
              405);
    EXPECT_TRUE((*server)->matches(get("/crl/operator-ca.crl")));
    EXPECT_FALSE((*server)->matches(get("/ocsp")));
    EXPECT_NE(to_string(events.front()).find("served operator-ca.crl"), std::string::npos);
}

TEST(CrlVariant, NamesRoundTrip) {
    for (auto v :
         {CrlVariant::kCurrent, CrlVariant::kExpired, CrlVariant::kNotYetValid, CrlVariant::kBadSignature}) {
        EXPECT_EQ(*parse_variant(variant_name(v)), v);
    }
    EXPECT_FALSE(parse_variant("stale").ok());
}

}  // namespace
}  // namespace hnbsec::crl
