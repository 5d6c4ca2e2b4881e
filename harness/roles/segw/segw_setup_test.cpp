// segw_setup's RFC 4806 stapler: on by default, answering for the SeGW's own certificate
// from the harness OCSP responder; off when SegwOptions says so.

#include "harness/roles/segw/segw_setup.h"

#include <memory>

#include <gtest/gtest.h>
#include <openssl/ocsp.h>

#include "fixtures/pki/test_support.h"
#include "harness/profile/load.h"
#include "harness/profile/profile_test_support.h"
#include "proto/ossl/handles.h"

namespace hnbsec::segw {
namespace {

profile::Profile minimal_profile() {
    auto loaded = profile::parse_profile(profile::testing_support::kMinimal, "segw_setup_test.toml");
    EXPECT_TRUE(loaded.ok());
    return loaded.ok() ? *loaded.profile : profile::Profile{};
}

const pki::Manifest& manifest() {
    const auto& shared = pki::testing::shared_pki();
    EXPECT_TRUE(shared.manifest.ok()) << shared.manifest.error().message();
    return *shared.manifest;
}

TEST(SegwSetup, StaplesASuccessfulOcspResponseByDefault) {
    auto setup = segw_setup(minimal_profile(), manifest(), SegwOptions{});
    ASSERT_TRUE(setup.ok()) << setup.error().message();
    const auto& stapler = setup->config.credentials.ocsp_staple;
    ASSERT_TRUE(static_cast<bool>(stapler));
    auto staple = stapler({});
    ASSERT_TRUE(staple.ok()) << staple.error().message();
    const unsigned char* p = staple->data();
    ossl::OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(staple->size())));
    ASSERT_NE(response, nullptr);
    EXPECT_EQ(OCSP_response_status(response.get()), OCSP_RESPONSE_STATUS_SUCCESSFUL);
}

TEST(SegwSetup, NoStaplerWhenTurnedOff) {
    SegwOptions options;
    options.ocsp_staple = false;
    auto setup = segw_setup(minimal_profile(), manifest(), options);
    ASSERT_TRUE(setup.ok()) << setup.error().message();
    EXPECT_FALSE(static_cast<bool>(setup->config.credentials.ocsp_staple));
}

}  // namespace
}  // namespace hnbsec::segw
