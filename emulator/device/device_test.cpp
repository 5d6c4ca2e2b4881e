// The device's state machine with fake network clients (device_test_support.h).

#include "emulator/device/device.h"

#include <algorithm>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/device/device_test_support.h"

namespace hnbsec::emulator {
namespace {

using namespace std::chrono_literals;

using testing::DeviceTest;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::kInner;

TEST_F(DeviceTest, BootsInTheReadmeOrder) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    EXPECT_THAT(states(),
                ElementsAre("integrity-check", "ike", "tunnel-up", "time-sync", "cwmp", "in-service"));
    const std::lock_guard lock(world_.mutex);
    EXPECT_THAT(world_.events,
                ElementsAre("link", std::string("ntp ") + kInner, "inform https://10.78.0.10:7547/cwmp"));
    EXPECT_TRUE(world_.link_params_ok) << "key, chain, config, defects and log reach the link";
    // The NTP offset moves the device clock the link validates certificates with.
    ASSERT_TRUE(world_.device_clock);
    EXPECT_NEAR(static_cast<double>(world_.device_clock() - std::time(nullptr)), 5.0, 1.0);
    ASSERT_EQ(world_.informs.size(), 1U);
    EXPECT_EQ(world_.informs[0].bind_address, kInner);
    EXPECT_EQ(world_.informs[0].device_id.serial_number, "00A0C9000001");
    const DeviceStatus status = device.status();
    EXPECT_TRUE(status.power);
    EXPECT_EQ(status.inner_address, kInner);
    EXPECT_THAT(log_text(), HasSubstr("integrity ok"));
}

TEST_F(DeviceTest, FailedInformIsRetriedWithBackoffWhileTheTunnelStands) {
    {
        const std::lock_guard lock(world_.mutex);
        world_.failing_informs = 2;
    }
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    ASSERT_TRUE(world_.wait([&] { return world_.informs.size() == 3; })) << log_text();
    // Answered: no further Inform (retry_base is 20 ms, so a fourth would come within 200 ms).
    EXPECT_FALSE(world_.wait_for_ms(200, [&] { return world_.informs.size() > 3; }));
    EXPECT_THAT(log_text(), HasSubstr("retrying the Inform"));
    EXPECT_THAT(log_text(), HasSubstr("Inform answered"));
}

TEST_F(DeviceTest, TimeOutsideTheTunnelComesBeforeIke) {
    config_.time->inside = false;
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    EXPECT_THAT(states(),
                ElementsAre("integrity-check", "time-sync", "ike", "tunnel-up", "cwmp", "in-service"));
    const std::lock_guard lock(world_.mutex);
    EXPECT_EQ(world_.events.front(), "ntp 192.168.77.2");
}

TEST_F(DeviceTest, FailedIntegrityCheckTouchesNoNetwork) {  // HNB-REQ-TRE-005
    dir_.write("image.bin", "tampered");
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kIntegrityFailed, 5s)) << log_text();
    EXPECT_THAT(log_text(), HasSubstr("integrity FAILED: image image.bin has SHA-256"));
    const std::lock_guard lock(world_.mutex);
    EXPECT_EQ(world_.links_started, 0);
    EXPECT_TRUE(world_.events.empty());
}

TEST_F(DeviceTest, IgnoreIntegrityFailureDefectConnectsAnyway) {
    dir_.write("image.bin", "tampered");
    defects_.set(Defect::kIgnoreIntegrityFailure);
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    EXPECT_THAT(log_text(), HasSubstr("integrity FAILED"));
    EXPECT_THAT(log_text(), HasSubstr("defect ignore-integrity-failure"));
}

TEST_F(DeviceTest, HpmRemovalSendsDeleteAndInsertReconnects) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    device.hpm_remove();
    ASSERT_TRUE(device.wait_for(DeviceState::kHpmRemoved, 5s)) << log_text();
    {
        const std::lock_guard lock(world_.mutex);
        EXPECT_THAT(world_.closes, ElementsAre(true)) << "DELETE of the IKE SA";
    }
    EXPECT_FALSE(device.status().hpm_present);
    EXPECT_EQ(device.status().inner_address, "");
    device.hpm_insert();
    ASSERT_TRUE(world_.wait([&] { return world_.links_started == 2; }));
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    const auto s = states();
    EXPECT_EQ(std::count(s.begin(), s.end(), "integrity-check"), 1) << "reconnects from the IKE step";
}

TEST_F(DeviceTest, HpmRemovalInterruptsABlockedStep) {
    world_.block_inform_until_closed = true;
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kCwmp, 5s));
    ASSERT_TRUE(world_.wait([&] { return !world_.informs.empty(); }));
    const auto started = std::chrono::steady_clock::now();
    device.hpm_remove();
    ASSERT_TRUE(device.wait_for(DeviceState::kHpmRemoved, 5s)) << log_text();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
    const std::lock_guard lock(world_.mutex);
    EXPECT_THAT(world_.closes, ElementsAre(true));
}

TEST_F(DeviceTest, IgnoreHpmRemovalKeepsTheLink) {  // the ignore-hpm-removal defect
    defects_.set(Defect::kIgnoreHpmRemoval);
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    device.hpm_remove();
    EXPECT_FALSE(device.status().hpm_present);
    EXPECT_EQ(device.state(), DeviceState::kInService);
    // Power off is handled after the removal; the only close is its silent one.
    device.power_off();
    ASSERT_TRUE(device.wait_for(DeviceState::kOff, 5s));
    const std::lock_guard lock(world_.mutex);
    EXPECT_THAT(world_.closes, ElementsAre(false));
    EXPECT_THAT(log_text(), HasSubstr("defect ignore-hpm-removal"));
}

TEST_F(DeviceTest, PowerOffSaysNothingAndPowerOnBootsAgain) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    device.power_off();
    ASSERT_TRUE(device.wait_for(DeviceState::kOff, 5s));
    EXPECT_FALSE(device.status().power);
    {
        const std::lock_guard lock(world_.mutex);
        EXPECT_THAT(world_.closes, ElementsAre(false));
    }
    device.power_on();
    ASSERT_TRUE(world_.wait([&] { return world_.links_started == 2; }));
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    const auto s = states();
    EXPECT_EQ(std::count(s.begin(), s.end(), "integrity-check"), 2);
}

TEST_F(DeviceTest, RebootGoesThroughOff) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    device.reboot();
    ASSERT_TRUE(world_.wait([&] { return world_.links_started == 2; }));
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    EXPECT_THAT(states(),
                ElementsAre("integrity-check", "ike", "tunnel-up", "time-sync", "cwmp", "in-service", "off",
                            "integrity-check", "ike", "tunnel-up", "time-sync", "cwmp", "in-service"));
}

TEST_F(DeviceTest, FactoryResetForgetsTheTimeOffset) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    EXPECT_EQ(device.clock_offset(), 5000ms);
    {
        const std::lock_guard lock(world_.mutex);
        world_.outcomes.push_back(Error("AUTHENTICATION_FAILED"));  // the next attempt fails
    }
    device.factory_reset();
    ASSERT_TRUE(device.wait_for(DeviceState::kBackoff, 5s)) << log_text();
    EXPECT_EQ(device.clock_offset(), 0ms);
    EXPECT_THAT(log_text(), HasSubstr("factory reset"));
}

TEST_F(DeviceTest, LostLinkBacksOffDoublingUpToTheCap) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    {
        const std::lock_guard lock(world_.mutex);
        for (int i = 0; i < 3; ++i) world_.outcomes.push_back(Error("AUTHENTICATION_FAILED"));
    }
    world_.lose_link();
    ASSERT_TRUE(world_.wait([&] { return world_.links_started == 5; }));
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s)) << log_text();
    const std::string text = log_text();
    const auto at = [&](const std::string& s) { return text.find(s); };
    ASSERT_NE(at("link lost: peer DELETE"), std::string::npos);
    const auto d20 = at("next attempt in 20 ms");
    const auto d40 = at("next attempt in 40 ms");
    const auto d80 = at("next attempt in 80 ms");
    ASSERT_NE(d20, std::string::npos);
    ASSERT_NE(d40, std::string::npos);
    ASSERT_NE(d80, std::string::npos);
    EXPECT_LT(d20, d40);
    EXPECT_LT(d40, d80);
    EXPECT_NE(text.find("next attempt in 80 ms", d80 + 1), std::string::npos) << "capped at retry_max";
    EXPECT_EQ(text.find("next attempt in 160 ms"), std::string::npos);
    EXPECT_THAT(text, HasSubstr("ike FAILED: AUTHENTICATION_FAILED"));
}

TEST_F(DeviceTest, ShutdownSendsDelete) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    device.shutdown();
    const std::lock_guard lock(world_.mutex);
    EXPECT_THAT(world_.closes, ElementsAre(true));
}

TEST_F(DeviceTest, StartsOffWhenTheConfigurationSaysSo) {
    config_.boot.power_on = false;
    Device& device = start();
    device.power_on();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
}

TEST_F(DeviceTest, HpmAbsentAtStartWaitsBeforeIke) {
    config_.boot.hpm_present = false;
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kHpmRemoved, 5s));
    {
        const std::lock_guard lock(world_.mutex);
        EXPECT_EQ(world_.links_started, 0);
    }
    device.hpm_insert();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
}

TEST_F(DeviceTest, TrafficBeforeAuthSendsNtpOnTheBackhaulBeforeIke) {  // the traffic-before-auth defect
    defects_.set(Defect::kTrafficBeforeAuth);
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    const std::lock_guard lock(world_.mutex);
    ASSERT_GE(world_.events.size(), 2U);
    EXPECT_EQ(world_.events[0], "ntp dev:veth-dut");
    EXPECT_EQ(world_.events[1], "link");
}

TEST_F(DeviceTest, DefectsSetAtRunTimeReachTheNextRequests) {
    Device& device = start();
    ASSERT_TRUE(device.wait_for(DeviceState::kInService, 5s));
    defects_.set(Defect::kNtpOutsideTunnel);
    defects_.set(Defect::kCwmpPlainHttp);
    world_.lose_link();
    ASSERT_TRUE(world_.wait([&] { return world_.informs.size() == 2; }));
    const std::lock_guard lock(world_.mutex);
    ASSERT_EQ(world_.time_queries.size(), 2U);
    EXPECT_EQ(world_.time_queries[1].bind_device, "veth-dut");
    EXPECT_FALSE(world_.time_queries[1].bind_address);
    EXPECT_EQ(world_.informs[1].url, "http://10.78.0.10:7547/cwmp");
    EXPECT_TRUE(world_.informs[1].plain_http);
}

}  // namespace
}  // namespace hnbsec::emulator
