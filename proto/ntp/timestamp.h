#pragma once
// NTP time formats (RFC 5905 §6): the 64-bit timestamp (32-bit seconds since
// 1900-01-01 plus a 32-bit binary fraction) and the 32-bit short format (16.16) of
// root delay and root dispersion. The seconds field wraps every 2^32 s (136 years):
// era 0 ends on 2036-02-07, so converting back to system time needs a pivot, a time
// known to lie within 68 years of the one encoded (RFC 5905 §6, "era").

#include <chrono>
#include <compare>
#include <cstdint>
#include <string>

namespace hnbsec::ntp {

using SystemTime = std::chrono::time_point<std::chrono::system_clock, std::chrono::nanoseconds>;

// Seconds from the NTP prime epoch (1900-01-01) to the Unix epoch (1970-01-01).
inline constexpr std::int64_t kNtpToUnixSeconds = 2'208'988'800;

struct Timestamp {
    std::uint32_t seconds = 0;
    std::uint32_t fraction = 0;

    std::uint64_t raw() const { return (std::uint64_t{seconds} << 32) | fraction; }
    static Timestamp from_raw(std::uint64_t raw) {
        return {static_cast<std::uint32_t>(raw >> 32), static_cast<std::uint32_t>(raw)};
    }
    // All-zero means "unknown" in the origin/reference fields (RFC 5905 §7.3).
    bool is_zero() const { return seconds == 0 && fraction == 0; }
    auto operator<=>(const Timestamp&) const = default;
};

// System time -> NTP timestamp; the era number is dropped, as on the wire.
Timestamp to_ntp(SystemTime time);
// NTP timestamp -> system time, choosing the era that puts the result closest to
// `pivot` (within +/- 2^31 s); a client's clock may be years off, the era is not.
SystemTime from_ntp(Timestamp timestamp, SystemTime pivot);

// The 16.16 short format (RFC 5905 §6) for root delay and dispersion.
std::uint32_t to_ntp_short(std::chrono::nanoseconds duration);
std::chrono::nanoseconds from_ntp_short(std::uint32_t value);

// "2026-11-28T19:41:55.123456789Z" (UTC), for events and logs.
std::string to_iso8601(SystemTime time);

}  // namespace hnbsec::ntp
