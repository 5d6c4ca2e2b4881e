#include "proto/esp/replay_window.h"

#include <gtest/gtest.h>

namespace hnbsec::esp {
namespace {

void accept(ReplayWindow& w, std::uint64_t seq) {
    ASSERT_EQ(w.check(seq), ReplayCheck::kNew) << seq;
    w.update(seq);
}

TEST(ReplayWindow, AcceptsInOrderAndOutOfOrderInsideTheWindow) {
    ReplayWindow w;
    EXPECT_EQ(w.size(), 64U);
    accept(w, 1);
    accept(w, 3);
    accept(w, 2);
    accept(w, 100);
    accept(w, 37);  // 100 - 37 = 63 < 64: still inside
    EXPECT_EQ(w.highest(), 100U);
}

TEST(ReplayWindow, RejectsDuplicates) {
    ReplayWindow w;
    accept(w, 5);
    accept(w, 4);
    EXPECT_EQ(w.check(5), ReplayCheck::kReplayed);
    EXPECT_EQ(w.check(4), ReplayCheck::kReplayed);
    EXPECT_EQ(w.check(3), ReplayCheck::kNew);
}

TEST(ReplayWindow, RejectsLeftOfTheWindowAndZero) {
    ReplayWindow w;
    accept(w, 200);
    EXPECT_EQ(w.check(136), ReplayCheck::kTooOld);  // 200 - 136 = 64
    EXPECT_EQ(w.check(137), ReplayCheck::kNew);
    EXPECT_EQ(w.check(0), ReplayCheck::kTooOld);
}

TEST(ReplayWindow, CheckAloneDoesNotMoveTheWindow) {
    ReplayWindow w;
    accept(w, 10);
    EXPECT_EQ(w.check(500), ReplayCheck::kNew);  // e.g. its ICV then fails: no update()
    EXPECT_EQ(w.highest(), 10U);
    EXPECT_EQ(w.check(9), ReplayCheck::kNew);
}

TEST(ReplayWindow, SlidingClearsStaleBits) {
    ReplayWindow w(64);
    for (std::uint64_t s = 1; s <= 64; ++s) accept(w, s);
    accept(w, 64 + 70);  // jump by more than the window
    for (std::uint64_t s = 71; s < 134; ++s) EXPECT_EQ(w.check(s), ReplayCheck::kNew) << s;
    accept(w, 135);  // slide by one: 71 (same bit as 135) leaves the window
    EXPECT_EQ(w.check(134), ReplayCheck::kReplayed);
    EXPECT_EQ(w.check(72), ReplayCheck::kNew);
}

TEST(ReplayWindow, LargeConfigurableWindow) {
    ReplayWindow w(4096);
    EXPECT_EQ(w.size(), 4096U);
    accept(w, 5000);
    EXPECT_EQ(w.check(5000 - 4095), ReplayCheck::kNew);
    EXPECT_EQ(w.check(5000 - 4096), ReplayCheck::kTooOld);
    accept(w, 1000);
    EXPECT_EQ(w.check(1000), ReplayCheck::kReplayed);
    EXPECT_EQ(ReplayWindow(100000).size(), kMaxReplayWindow);
}

TEST(ReplayWindow, EsnInfersTheHighHalfAcrossTheWrap) {
    // RFC 4303 Appendix A2.2, case A: the window lies in one subspace.
    ReplayWindow w(64, true);
    accept(w, 0xfffffff0ULL);
    EXPECT_EQ(w.infer(0xfffffff5U), 0xfffffff5ULL);
    EXPECT_EQ(w.infer(3), 0x100000003ULL);  // wrapped: next subspace
    accept(w, w.infer(3));
    // Case B: the window spans both subspaces.
    EXPECT_EQ(w.infer(0xfffffff8U), 0xfffffff8ULL);  // belongs to the previous subspace
    EXPECT_EQ(w.check(w.infer(0xfffffff8U)), ReplayCheck::kNew);
    EXPECT_EQ(w.check(w.infer(0xfffffff0U)), ReplayCheck::kReplayed);
    EXPECT_EQ(w.infer(2), 0x100000002ULL);
    EXPECT_EQ(w.check(w.infer(3)), ReplayCheck::kReplayed);
}

TEST(ReplayWindow, WithoutEsnSequenceNumbersDoNotWrap) {
    ReplayWindow w(64, false);
    accept(w, 0xffffffffULL);
    EXPECT_EQ(w.infer(1), 1U);
    EXPECT_EQ(w.check(w.infer(1)), ReplayCheck::kTooOld);  // a sender that cycled is refused
}

}  // namespace
}  // namespace hnbsec::esp
