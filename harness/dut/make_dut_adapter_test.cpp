// The factory picks the adapter by [dut] kind and refuses what it cannot build.
#include "harness/dut/make_dut_adapter.h"

#include <gtest/gtest.h>

#include "harness/dut/dut_test_support.h"

namespace hnbsec::dut {
namespace {

TEST(MakeDutAdapter, ExternalNeedsNothingButTheProfile) {
    testing::TempDir tmp;
    auto profile = testing::load_test_profile(tmp.path());
    profile.dut.kind = profile::DutKind::kExternal;
    profile.dut.interface = "enp3s0";
    DutContext context;
    context.run_dir = tmp.path() / "run";
    context.console.non_interactive = true;
    auto dut = make_dut_adapter(profile, context);
    ASSERT_TRUE(dut.ok()) << dut.error().message();
    EXPECT_EQ((*dut)->kind(), "external");
    auto cycled = (*dut)->power_cycle();  // no hook, no terminal
    ASSERT_TRUE(cycled.ok());
    EXPECT_EQ(cycled->outcome, ActionOutcome::kInconclusive);
}

TEST(MakeDutAdapter, EmulatedAndStrongswanNeedTheManifestAndThePlan) {
    testing::TempDir tmp;
    for (const char* kind : {"emulated", "strongswan"}) {
        const auto profile = testing::load_test_profile(tmp.path(), kind);
        DutContext context;
        context.run_dir = tmp.path() / "run";
        auto dut = make_dut_adapter(profile, context);
        ASSERT_FALSE(dut.ok()) << kind;
        EXPECT_NE(dut.error().message().find("needs the PKI manifest"), std::string::npos)
            << dut.error().message();
    }
}

}  // namespace
}  // namespace hnbsec::dut
