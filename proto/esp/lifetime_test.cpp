#include "proto/esp/lifetime.h"

#include <gtest/gtest.h>

namespace hnbsec::esp {
namespace {

using std::chrono::seconds;

TEST(Lifetime, BytesSoftThenHard) {
    const TimePoint t0{};
    LifetimeLimits limits;
    limits.soft_bytes = 1000;
    limits.hard_bytes = 2000;
    Lifetime life(limits, t0);
    EXPECT_EQ(life.state(t0), LifetimeState::kActive);
    life.count(999);
    EXPECT_EQ(life.state(t0), LifetimeState::kActive);
    life.count(1);
    EXPECT_EQ(life.state(t0), LifetimeState::kRekeyDue);
    life.count(1000);
    EXPECT_EQ(life.state(t0), LifetimeState::kExpired);
    EXPECT_EQ(life.packets(), 3U);
}

TEST(Lifetime, SecondsSoftThenHard) {
    const TimePoint t0{};
    LifetimeLimits limits;
    limits.soft_time = seconds(3000);
    limits.hard_time = seconds(3600);
    const Lifetime life(limits, t0);
    EXPECT_EQ(life.state(t0 + seconds(2999)), LifetimeState::kActive);
    EXPECT_EQ(life.state(t0 + seconds(3000)), LifetimeState::kRekeyDue);
    EXPECT_EQ(life.state(t0 + seconds(3600)), LifetimeState::kExpired);
    EXPECT_EQ(lifetime_state_name(LifetimeState::kRekeyDue), "rekey due");
}

TEST(Lifetime, NoLimitsNeverExpire) {
    Lifetime life({}, TimePoint{});
    life.count(1ULL << 40);
    EXPECT_EQ(life.state(TimePoint{} + seconds(1'000'000)), LifetimeState::kActive);
}

}  // namespace
}  // namespace hnbsec::esp
