// The device's ESP data plane: both ends of one Child SA, the newest SA after a rekey,
// and the replay window the no-esp-replay-check defect turns off.

#include "emulator/segw_link/esp_tunnel.h"

#include <gtest/gtest.h>

#include "proto/esp/test_packets.h"
#include "proto/ike/sa/proposals.h"

namespace hnbsec::emulator {
namespace {

using esp::testing::icmp_echo_v4;
using esp::testing::kCoreInner;
using esp::testing::kHnbInner;

ike::ChildSa child(std::uint32_t spi_in, std::uint32_t spi_out, bool initiator, std::uint8_t seed) {
    ike::ChildSa c;
    c.spi_in = spi_in;
    c.spi_out = spi_out;
    auto suite = ike::parse_suite("aes128-sha256", ike::ProposalProtocol::kEsp);
    EXPECT_TRUE(suite.ok());
    c.suite = *suite;
    c.keys.encr_i = ike::Octets(16, seed);
    c.keys.integ_i = ike::Octets(32, static_cast<std::uint8_t>(seed + 1));
    c.keys.encr_r = ike::Octets(16, static_cast<std::uint8_t>(seed + 2));
    c.keys.integ_r = ike::Octets(32, static_cast<std::uint8_t>(seed + 3));
    c.local_is_initiator = initiator;
    c.ts_local = {ike::ts_any_ip4()};
    c.ts_remote = {ike::ts_any_ip4()};
    return c;
}

TEST(EspTunnel, SealsWithTheNewestAndOpensBySpi) {
    const auto now = ike::Clock::now();
    EspTunnel device;
    EspTunnel segw;
    EXPECT_EQ(device.sync({child(0x1001, 0x2001, true, 1)}, now).size(), 1U);
    segw.sync({child(0x2001, 0x1001, false, 1)}, now);
    const auto ping = icmp_echo_v4(kHnbInner, kCoreInner, 7, 1);
    auto sealed = device.seal(ping, now);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message();
    auto opened = segw.open(*sealed, now, true);
    ASSERT_TRUE(opened.accepted()) << opened.reason;
    EXPECT_EQ(opened.inner, ping);

    // Rekey: the new Child SA carries outbound traffic; the old one is removed with its DELETE.
    device.sync({child(0x1001, 0x2001, true, 1), child(0x1002, 0x2002, true, 9)}, now);
    segw.sync({child(0x2001, 0x1001, false, 1), child(0x2002, 0x1002, false, 9)}, now);
    sealed = device.seal(ping, now);
    ASSERT_TRUE(sealed.ok());
    EXPECT_EQ((*sealed)[3], 0x02);  // SPI 0x00002002
    EXPECT_TRUE(segw.open(*sealed, now, true).accepted());
    const auto lines = device.sync({child(0x1002, 0x2002, true, 9)}, now);
    ASSERT_EQ(lines.size(), 1U);
    EXPECT_NE(lines.front().find("removed"), std::string::npos);
    EXPECT_EQ(device.size(), 1U);
    auto unknown = device.open(esp::Bytes{0, 0, 0x10, 0x01, 0, 0, 0, 1}, now, true);
    EXPECT_EQ(unknown.outcome, esp::InboundOutcome::kUnknownSpi);
}

TEST(EspTunnel, ReplayedPacketIsDroppedUnlessTheReplayCheckIsOff) {
    const auto now = ike::Clock::now();
    EspTunnel device;
    EspTunnel segw;
    device.sync({child(0x1001, 0x2001, true, 3)}, now);
    segw.sync({child(0x2001, 0x1001, false, 3)}, now);
    auto sealed = segw.seal(icmp_echo_v4(kCoreInner, kHnbInner, 7, 1), now);
    ASSERT_TRUE(sealed.ok());
    EXPECT_TRUE(device.open(*sealed, now, true).accepted());
    EXPECT_EQ(device.open(*sealed, now, true).outcome, esp::InboundOutcome::kReplayed);
    EXPECT_TRUE(device.open(*sealed, now, false).accepted());  // defect no-esp-replay-check
    EXPECT_TRUE(device.open(*sealed, now, false).accepted());
}

TEST(EspTunnel, NothingToSealWithoutAChildSa) {
    EspTunnel device;
    EXPECT_FALSE(device.seal(icmp_echo_v4(kHnbInner, kCoreInner, 7, 1), ike::Clock::now()).ok());
}

}  // namespace
}  // namespace hnbsec::emulator
