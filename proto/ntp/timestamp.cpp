#include "proto/ntp/timestamp.h"

#include <ctime>
#include <iomanip>
#include <sstream>

namespace hnbsec::ntp {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kEraSeconds = std::int64_t{1} << 32;

// Floor division, so times before 1970 and negative offsets split correctly.
std::int64_t floor_div(std::int64_t a, std::int64_t b) {
    std::int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
    return q;
}

}  // namespace

Timestamp to_ntp(SystemTime time) {
    const std::int64_t unix_nanos = time.time_since_epoch().count();
    const std::int64_t unix_seconds = floor_div(unix_nanos, kNanosPerSecond);
    const auto nanos = static_cast<std::uint64_t>(unix_nanos - unix_seconds * kNanosPerSecond);
    const std::int64_t ntp_seconds = unix_seconds + kNtpToUnixSeconds;
    Timestamp ts;
    // The era is implicit on the wire: keep the low 32 bits (RFC 5905 §6).
    ts.seconds = static_cast<std::uint32_t>(static_cast<std::uint64_t>(ntp_seconds));
    // Round to the nearest 2^-32 s; nanos < 1e9 so the product fits in 64 bits.
    const std::uint64_t fraction = ((nanos << 32) + kNanosPerSecond / 2) / kNanosPerSecond;
    if (fraction >> 32) {  // rounded up to a whole second
        ts.seconds += 1;
        ts.fraction = 0;
    } else {
        ts.fraction = static_cast<std::uint32_t>(fraction);
    }
    return ts;
}

SystemTime from_ntp(Timestamp timestamp, SystemTime pivot) {
    const std::int64_t pivot_ntp =
        floor_div(pivot.time_since_epoch().count(), kNanosPerSecond) + kNtpToUnixSeconds;
    // Candidate in the pivot's era, then move one era if that lands closer.
    const std::int64_t era = floor_div(pivot_ntp, kEraSeconds);
    std::int64_t seconds = era * kEraSeconds + timestamp.seconds;
    if (seconds - pivot_ntp > kEraSeconds / 2) seconds -= kEraSeconds;
    if (pivot_ntp - seconds > kEraSeconds / 2) seconds += kEraSeconds;
    const auto nanos =
        static_cast<std::int64_t>((std::uint64_t{timestamp.fraction} * kNanosPerSecond + (1ULL << 31)) >> 32);
    return SystemTime(std::chrono::nanoseconds((seconds - kNtpToUnixSeconds) * kNanosPerSecond + nanos));
}

std::uint32_t to_ntp_short(std::chrono::nanoseconds duration) {
    const std::int64_t nanos = duration.count();
    if (nanos <= 0) return 0;
    const std::int64_t max_nanos = std::int64_t{65535} * kNanosPerSecond;
    if (nanos >= max_nanos) return 0xffffffffU;
    const std::int64_t seconds = nanos / kNanosPerSecond;
    const auto rest = static_cast<std::uint64_t>(nanos % kNanosPerSecond);
    const std::uint64_t fraction = ((rest << 16) + kNanosPerSecond / 2) / kNanosPerSecond;
    return static_cast<std::uint32_t>((static_cast<std::uint64_t>(seconds) << 16) + fraction);
}

std::chrono::nanoseconds from_ntp_short(std::uint32_t value) {
    const std::int64_t seconds = value >> 16;
    const auto fraction = static_cast<std::int64_t>(value & 0xffffU);
    return std::chrono::nanoseconds(seconds * kNanosPerSecond + ((fraction * kNanosPerSecond) >> 16));
}

std::string to_iso8601(SystemTime time) {
    const std::int64_t nanos_total = time.time_since_epoch().count();
    const std::int64_t seconds = floor_div(nanos_total, kNanosPerSecond);
    const std::int64_t nanos = nanos_total - seconds * kNanosPerSecond;
    const auto t = static_cast<std::time_t>(seconds);
    std::tm utc{};
    gmtime_r(&t, &utc);
    std::ostringstream text;
    text << std::put_time(&utc, "%Y-%m-%dT%H:%M:%S") << '.' << std::setw(9) << std::setfill('0') << nanos
         << 'Z';
    return text.str();
}

}  // namespace hnbsec::ntp
