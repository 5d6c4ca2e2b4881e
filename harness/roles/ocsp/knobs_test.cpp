#include "harness/roles/ocsp/knobs.h"

#include <gtest/gtest.h>

namespace hnbsec::ocsp {
namespace {

TEST(Knobs, ParsesEverySettingAndDescribesIt) {
    Knobs knobs;
    EXPECT_EQ(describe(knobs), "none");
    for (auto setting : {"signer=no-eku", "stale", "bad-signature", "nonce=wrong", "status=tryLater",
                         "no-answer", "delay=250"}) {
        ASSERT_TRUE(apply_knob(knobs, setting).ok()) << setting;
    }
    EXPECT_EQ(describe(knobs),
              "signer=no-eku stale bad-signature nonce=wrong status=tryLater no-answer delay=250ms");
}

TEST(Knobs, RefusesUnknownSettings) {
    Knobs knobs;
    EXPECT_FALSE(apply_knob(knobs, "signer=nobody").ok());
    EXPECT_FALSE(apply_knob(knobs, "delay=-1").ok());
    EXPECT_FALSE(apply_knob(knobs, "delay=abc").ok());
    auto unknown = apply_knob(knobs, "explode");
    ASSERT_FALSE(unknown.ok());
    EXPECT_NE(unknown.error().message().find("unknown OCSP knob"), std::string::npos);
    EXPECT_EQ(knobs, Knobs{});
}

}  // namespace
}  // namespace hnbsec::ocsp
