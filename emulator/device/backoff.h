#pragma once
// Re-establishment back-off (emulator/README.md, Boot step 7): the first retry waits
// `base`, each further one twice as long, never more than `max`; a link that reached
// service resets it. Devices back off so a recovering SeGW is not flooded by every H(e)NB
// it serves at once.

#include <chrono>

namespace hnbsec::emulator {

class Backoff {
public:
    Backoff(std::chrono::milliseconds base, std::chrono::milliseconds max) : base_(base), max_(max) {}

    // The delay before the next attempt; doubles the one after it.
    std::chrono::milliseconds next();
    void reset() { failures_ = 0; }

private:
    std::chrono::milliseconds base_;
    std::chrono::milliseconds max_;
    int failures_ = 0;
};

}  // namespace hnbsec::emulator
