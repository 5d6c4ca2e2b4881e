#include "emulator/control/control_command.h"

#include <gtest/gtest.h>

namespace hnbsec::emulator::control {
namespace {

ControlCommand parsed(std::string_view line) {
    auto result = parse_control_command(line);
    EXPECT_TRUE(result) << line << ": " << (result ? "" : result.error().message());
    return result ? *result : ControlCommand{};
}

std::string refused(std::string_view line) {
    auto result = parse_control_command(line);
    EXPECT_FALSE(result) << line;
    return result ? std::string() : result.error().message();
}

TEST(ControlCommand, ParsesEveryCommandOfTheReadme) {
    EXPECT_EQ(parsed("status").kind, CommandKind::kStatus);
    EXPECT_EQ(parsed("power on").kind, CommandKind::kPowerOn);
    EXPECT_EQ(parsed("power off").kind, CommandKind::kPowerOff);
    EXPECT_EQ(parsed("reboot").kind, CommandKind::kReboot);
    EXPECT_EQ(parsed("factory-reset").kind, CommandKind::kFactoryReset);
    EXPECT_EQ(parsed("hpm remove").kind, CommandKind::kHpmRemove);
    EXPECT_EQ(parsed("hpm insert").kind, CommandKind::kHpmInsert);
    EXPECT_EQ(parsed("defect set wrong-idi"), (ControlCommand{CommandKind::kDefectSet, "wrong-idi", {}}));
    EXPECT_EQ(parsed("defect clear wrong-idi"), (ControlCommand{CommandKind::kDefectClear, "wrong-idi", {}}));
    EXPECT_EQ(parsed("defect clear all").kind, CommandKind::kDefectClearAll);
    EXPECT_EQ(parsed("defects").kind, CommandKind::kDefects);
    EXPECT_EQ(parsed("wait in-service 5000"),
              (ControlCommand{CommandKind::kWait, "in-service", std::chrono::milliseconds(5000)}));
    EXPECT_EQ(parsed("quit").kind, CommandKind::kQuit);
}

TEST(ControlCommand, ToleratesExtraSpacesTabsAndCr) {
    EXPECT_EQ(parsed("  power\t on  \r").kind, CommandKind::kPowerOn);
    EXPECT_EQ(parsed("wait off 0").timeout, std::chrono::milliseconds(0));
}

TEST(ControlCommand, RefusesWithAReason) {
    EXPECT_EQ(refused(""), "empty command");
    EXPECT_EQ(refused("   "), "empty command");
    EXPECT_NE(refused("launch missiles").find("unknown command 'launch'"), std::string::npos);
    EXPECT_EQ(refused("power"), "usage: power on|off");
    EXPECT_EQ(refused("power up"), "usage: power on|off");
    EXPECT_EQ(refused("status now"), "'status' takes no argument");
    EXPECT_EQ(refused("defect set"), "usage: defect set NAME | defect clear NAME | defect clear all");
    EXPECT_EQ(refused("wait in-service"), "usage: wait STATE TIMEOUT_MS");
}

TEST(ControlCommand, RefusesBadTimeouts) {
    EXPECT_NE(refused("wait off -1").find("decimal number"), std::string::npos);
    EXPECT_NE(refused("wait off 10s").find("decimal number"), std::string::npos);
    EXPECT_NE(refused("wait off +5").find("decimal number"), std::string::npos);
    EXPECT_NE(refused("wait off 18446744073709551616").find("decimal number"), std::string::npos);
    EXPECT_NE(refused("wait off 3600001").find("exceeds"), std::string::npos);
}

TEST(ControlCommand, RefusesBinaryAndOverlongLines) {
    EXPECT_EQ(refused(std::string_view("sta\0tus", 7)), "byte 0x00 at offset 3 is not printable ASCII");
    EXPECT_EQ(refused("status\xff"), "byte 0xff at offset 6 is not printable ASCII");
    EXPECT_EQ(refused(std::string(kMaxLineLength + 1, 'a')), "line longer than 1024 bytes");
    // At the limit the length is fine and the words decide.
    EXPECT_NE(refused(std::string(kMaxLineLength, 'a')).find("unknown command"), std::string::npos);
}

TEST(ControlCommand, FormatsReplies) {
    EXPECT_EQ(ok_reply(), "ok");
    EXPECT_EQ(ok_reply("power=on"), "ok power=on");
    EXPECT_EQ(err_reply("no"), "err no");
}

}  // namespace
}  // namespace hnbsec::emulator::control
