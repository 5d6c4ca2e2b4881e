#include "proto/ntp/timestamp.h"

#include <gtest/gtest.h>

namespace hnbsec::ntp {
namespace {

using namespace std::chrono_literals;

SystemTime unix_time(std::int64_t seconds) {
    return SystemTime(std::chrono::seconds(seconds));
}

TEST(NtpTimestamp, UnixEpochIsKnownNtpSeconds) {
    EXPECT_EQ(to_ntp(unix_time(0)), (Timestamp{0x83aa7e80, 0}));
    EXPECT_EQ(to_ntp(unix_time(0) + 500ms), (Timestamp{0x83aa7e80, 0x80000000}));
    EXPECT_EQ(from_ntp(Timestamp{0x83aa7e80, 0x80000000}, unix_time(0)), unix_time(0) + 500ms);
}

// Era 0 ends at 2036-02-07T06:28:16Z (Unix 2085978496): the seconds field wraps to 0.
TEST(NtpTimestamp, EraRollover) {
    const auto rollover = unix_time(2085978496);
    EXPECT_EQ(to_ntp(rollover), (Timestamp{0, 0}));
    EXPECT_EQ(to_ntp(rollover - 1s), (Timestamp{0xffffffff, 0}));
    // With a pivot on either side, both sides of the wrap decode into the right era.
    EXPECT_EQ(from_ntp(Timestamp{5, 0}, rollover - 10s), rollover + 5s);
    EXPECT_EQ(from_ntp(Timestamp{0xfffffff0, 0}, rollover + 10s), rollover - 16s);
    EXPECT_EQ(to_iso8601(rollover), "2036-02-07T06:28:16.000000000Z");
}

TEST(NtpTimestamp, RoundTripsNow) {
    const SystemTime now =
        std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
    const auto back = from_ntp(to_ntp(now), now);
    EXPECT_LE(std::chrono::abs(back - now), 1ns);
    // A clock 400 days ahead still lands in the same era.
    const auto ahead = now + std::chrono::hours(24 * 400);
    EXPECT_LE(std::chrono::abs(from_ntp(to_ntp(ahead), now) - ahead), 1ns);
}

TEST(NtpTimestamp, ShortFormat) {
    EXPECT_EQ(to_ntp_short(1s), 0x00010000U);
    EXPECT_EQ(to_ntp_short(500ms), 0x00008000U);
    EXPECT_EQ(to_ntp_short(-1s), 0U);
    EXPECT_EQ(from_ntp_short(0x00018000U), 1500ms);
}

}  // namespace
}  // namespace hnbsec::ntp
