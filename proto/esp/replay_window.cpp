#include "proto/esp/replay_window.h"

#include <algorithm>

namespace hnbsec::esp {

ReplayWindow::ReplayWindow(std::uint32_t size, bool esn)
    : size_(std::clamp<std::uint32_t>(size, 1, kMaxReplayWindow)), esn_(esn), bits_((size_ + 63) / 64, 0) {}

std::uint64_t ReplayWindow::infer(std::uint32_t low) const {
    if (!esn_) return low;
    // RFC 4303 Appendix A2.2: T = highest() split as Th | Tl, W = window size.
    const auto th = static_cast<std::uint32_t>(highest_ >> 32);
    const auto tl = static_cast<std::uint32_t>(highest_);
    const std::uint32_t bottom = tl - size_ + 1;  // Tl - W + 1, modulo 2^32 as the RFC computes it
    std::uint64_t seqh = th;
    if (tl >= size_ - 1) {
        // Case A: the window lies within one subspace; a low value below it has wrapped.
        if (low < bottom) seqh = static_cast<std::uint64_t>(th) + 1;
    } else if (low >= bottom) {
        // Case B: the window spans two subspaces; a high low value belongs to the previous one.
        if (th == 0) return 0;  // nothing precedes subspace 0: report 0, which check() rejects
        seqh = th - 1;
    }
    return (seqh << 32) | low;
}

ReplayCheck ReplayWindow::check(std::uint64_t seq) const {
    if (seq == 0) return ReplayCheck::kTooOld;
    if (seq > highest_) return ReplayCheck::kNew;
    if (highest_ - seq >= size_) return ReplayCheck::kTooOld;
    return bit(seq) ? ReplayCheck::kReplayed : ReplayCheck::kNew;
}

void ReplayWindow::update(std::uint64_t seq) {
    if (seq > highest_) {
        const std::uint64_t total = bits_.size() * 64;
        const std::uint64_t advance = seq - highest_;
        if (advance >= total) {
            std::fill(bits_.begin(), bits_.end(), 0);
        } else {
            for (std::uint64_t s = highest_ + 1; s < seq; ++s) set_bit(s, false);
        }
        highest_ = seq;
    }
    set_bit(seq, true);
}

bool ReplayWindow::bit(std::uint64_t seq) const {
    const std::uint64_t index = seq % (bits_.size() * 64);
    return ((bits_[index / 64] >> (index % 64)) & 1U) != 0;
}

void ReplayWindow::set_bit(std::uint64_t seq, bool value) {
    const std::uint64_t index = seq % (bits_.size() * 64);
    const std::uint64_t mask = std::uint64_t{1} << (index % 64);
    if (value) {
        bits_[index / 64] |= mask;
    } else {
        bits_[index / 64] &= ~mask;
    }
}

}  // namespace hnbsec::esp
