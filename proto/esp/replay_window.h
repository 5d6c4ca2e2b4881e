#pragma once
// The receiver's anti-replay window (RFC 4303 §3.4.3) with optional Extended Sequence
// Numbers (§2.2.1, Appendix A). A bitmap of `size` bits (64 by default, RFC 4303's
// minimum 32, up to kMaxReplayWindow) records which of the last `size` sequence numbers
// up to the highest accepted one were seen.
//
// Two steps, in the order §3.4.3 prescribes: check() before the ICV is verified (cheap
// rejection of duplicates and of packets left of the window), update() only after the
// ICV verified, so a forged packet never moves the window.

#include <cstdint>
#include <vector>

namespace hnbsec::esp {

inline constexpr std::uint32_t kDefaultReplayWindow = 64;
inline constexpr std::uint32_t kMaxReplayWindow = 4096;

enum class ReplayCheck : std::uint8_t {
    kNew,       // not seen, inside or right of the window
    kReplayed,  // inside the window and already received
    kTooOld,    // left of the window (or 0, which no sender uses, §3.3.3)
};

class ReplayWindow {
public:
    // size is clamped to [1, kMaxReplayWindow].
    explicit ReplayWindow(std::uint32_t size = kDefaultReplayWindow, bool esn = false);

    std::uint32_t size() const { return size_; }
    bool esn() const { return esn_; }
    std::uint64_t highest() const { return highest_; }  // 0 before the first packet

    // The full sequence number of a packet that carries the low 32 bits `low`: `low`
    // itself without ESN; with ESN the high half inferred from the window (Appendix A2.2).
    std::uint64_t infer(std::uint32_t low) const;

    ReplayCheck check(std::uint64_t seq) const;
    // Marks seq received, sliding the window when it is the new highest. Call only for a
    // sequence number check() found kNew and whose packet's ICV verified.
    void update(std::uint64_t seq);

private:
    bool bit(std::uint64_t seq) const;
    void set_bit(std::uint64_t seq, bool value);

    std::uint32_t size_;
    bool esn_;
    std::uint64_t highest_ = 0;
    // Circular bitmap indexed by seq modulo its bit count (a multiple of 64, >= size_).
    std::vector<std::uint64_t> bits_;
};

}  // namespace hnbsec::esp
