#include "emulator/device/backoff.h"

#include <gtest/gtest.h>

namespace hnbsec::emulator {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, DoublesFromBaseUpToMax) {
    Backoff backoff(1000ms, 30000ms);
    EXPECT_EQ(backoff.next(), 1000ms);
    EXPECT_EQ(backoff.next(), 2000ms);
    EXPECT_EQ(backoff.next(), 4000ms);
    EXPECT_EQ(backoff.next(), 8000ms);
    EXPECT_EQ(backoff.next(), 16000ms);
    EXPECT_EQ(backoff.next(), 30000ms);
    for (int i = 0; i < 100; ++i) EXPECT_EQ(backoff.next(), 30000ms) << "no overflow after many failures";
}

TEST(Backoff, ResetStartsAgainAtBase) {
    Backoff backoff(50ms, 1000ms);
    backoff.next();
    backoff.next();
    backoff.reset();
    EXPECT_EQ(backoff.next(), 50ms);
}

TEST(Backoff, MaxBelowBaseWins) {
    Backoff backoff(500ms, 200ms);
    EXPECT_EQ(backoff.next(), 200ms);
}

}  // namespace
}  // namespace hnbsec::emulator
