#pragma once
// One NTP client exchange (RFC 5905 client mode 3) over the kernel's UDP, so a request to
// an inner server bound to the inner address travels through the tunnel's TUN device.
// Checks what a sane client checks (TIME-006): mode 4, the origin timestamp is our
// transmit timestamp, not a kiss-o'-death, stratum 1-15.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"

namespace hnbsec::emulator {

struct TimeQuery {
    std::string server;
    std::uint16_t port = 123;
    std::optional<std::string> bind_address;  // e.g. the inner address
    std::optional<std::string> bind_device;   // SO_BINDTODEVICE (leak defects use the backhaul)
    std::chrono::milliseconds timeout{3000};
    bool check_origin = true;  // off only for the skip-ntp-origin-check defect
};

struct TimeSample {
    std::chrono::system_clock::time_point server_time;  // transmit timestamp of the reply
    std::chrono::milliseconds offset{0};                // server - local, RFC 5905 theta
    int stratum = 0;
};

Result<TimeSample> query_time(const TimeQuery& query);

}  // namespace hnbsec::emulator
