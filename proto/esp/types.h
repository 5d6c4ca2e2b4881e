#pragma once
// The plain types every part of proto/esp shares: octet strings and the clock. The ESP
// library is transport-free and clock-free: callers pass datagrams in and the time with them.

#include <chrono>
#include <cstdint>
#include <span>
#include <vector>

namespace hnbsec::esp {

using Bytes = std::vector<std::uint8_t>;
using ByteSpan = std::span<const std::uint8_t>;

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Next Header values an ESP tunnel-mode SA carries (RFC 4303 §2.6, IANA protocol numbers).
inline constexpr std::uint8_t kNextHeaderIpv4 = 4;
inline constexpr std::uint8_t kNextHeaderIpv6 = 41;
inline constexpr std::uint8_t kNextHeaderNone = 59;  // "no next header": a TFC dummy packet (§2.6)

}  // namespace hnbsec::esp
