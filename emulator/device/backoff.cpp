#include "emulator/device/backoff.h"

#include <algorithm>

namespace hnbsec::emulator {

std::chrono::milliseconds Backoff::next() {
    std::chrono::milliseconds delay = base_;
    // Stop doubling once the cap is reached, so the multiplication cannot overflow.
    for (int i = 0; i < failures_ && delay < max_; ++i) delay *= 2;
    ++failures_;
    return std::min(delay, max_);
}

}  // namespace hnbsec::emulator
