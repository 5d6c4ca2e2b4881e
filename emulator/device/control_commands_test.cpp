// What the control channel's commands do to a device (fakes as in device_test).

#include "emulator/device/control_commands.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "emulator/device/device_test_support.h"

namespace hnbsec::emulator {
namespace {

using namespace std::chrono_literals;

using testing::DeviceTest;
using ::testing::HasSubstr;
using ::testing::StartsWith;

class ControlCommandsTest : public DeviceTest {
protected:
    std::string run(std::string_view line) {
        return execute_control_line(line, *device_, defects_, log_, stopping_);
    }
    std::atomic<bool> stopping_{false};
};

TEST_F(ControlCommandsTest, StatusOfAPoweredOffDevice) {
    config_.boot.power_on = false;
    start();
    EXPECT_EQ(run("status"), "ok power=off hpm=present state=off inner=- defects=-");
}

TEST_F(ControlCommandsTest, StatusInService) {
    start();
    EXPECT_EQ(run("wait in-service 5000"), "ok");
    EXPECT_EQ(run("status"), "ok power=on hpm=present state=in-service inner=10.78.1.2 defects=-");
}

TEST_F(ControlCommandsTest, DefectSwitches) {
    config_.boot.power_on = false;
    start();
    EXPECT_EQ(run("defect set wrong-idi"), "ok");
    EXPECT_EQ(run("defect set accept-tls10"), "ok");
    EXPECT_EQ(run("defects"), "ok wrong-idi,accept-tls10");
    EXPECT_EQ(run("status"), "ok power=off hpm=present state=off inner=- defects=wrong-idi,accept-tls10");
    EXPECT_EQ(run("defect clear wrong-idi"), "ok");
    EXPECT_EQ(run("defects"), "ok accept-tls10");
    EXPECT_EQ(run("defect clear all"), "ok");
    EXPECT_EQ(run("defects"), "ok -");
    EXPECT_THAT(run("defect set no-such-defect"),
                StartsWith("err unknown defect 'no-such-defect' (valid: accept-untrusted-segw-cert,"));
    EXPECT_THAT(log_text(), HasSubstr("defect set wrong-idi (HNB-REQ-DEVAUTH-005)"));
}

TEST_F(ControlCommandsTest, WaitTimesOutWithTheCurrentState) {
    config_.boot.power_on = false;
    start();
    EXPECT_EQ(run("wait in-service 50"), "err timeout (state=off)");
    EXPECT_EQ(run("wait off 0"), "ok");
    EXPECT_THAT(run("wait sleeping 10"),
                StartsWith("err unknown state 'sleeping' (valid: off, integrity-check,"));
}

TEST_F(ControlCommandsTest, WaitEndsWhenTheServerStops) {
    config_.boot.power_on = false;
    start();
    stopping_ = true;
    const auto started = std::chrono::steady_clock::now();
    EXPECT_EQ(run("wait in-service 60000"), "err timeout (state=off)");
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
}

TEST_F(ControlCommandsTest, PowerAndHpmCommands) {
    start();
    EXPECT_EQ(run("wait in-service 5000"), "ok");
    EXPECT_EQ(run("hpm remove"), "ok");
    EXPECT_EQ(run("wait hpm-removed 5000"), "ok");
    EXPECT_THAT(run("status"), StartsWith("ok power=on hpm=removed state=hpm-removed inner=-"));
    EXPECT_EQ(run("hpm insert"), "ok");
    EXPECT_EQ(run("power off"), "ok");
    EXPECT_EQ(run("wait off 5000"), "ok");
    EXPECT_EQ(run("power on"), "ok");
    EXPECT_EQ(run("reboot"), "ok");
    EXPECT_EQ(run("factory-reset"), "ok");
    EXPECT_EQ(run("wait in-service 5000"), "ok");
    EXPECT_THAT(log_text(), HasSubstr("control hpm remove"));
}

TEST_F(ControlCommandsTest, GarbageIsRefused) {
    config_.boot.power_on = false;
    start();
    EXPECT_THAT(run("\x7f\x01"), StartsWith("err byte 0x7f"));
    EXPECT_THAT(run("hpm sideways"), StartsWith("err usage: hpm remove|insert"));
}

}  // namespace
}  // namespace hnbsec::emulator
