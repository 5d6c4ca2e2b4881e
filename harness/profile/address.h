#pragma once
// IP addresses and prefixes as the profile writes them ("192.168.77.2",
// "10.77.0.0/24", "2001:db8::/64"): kept as the validated text plus the
// bytes, so rules can compare families and containment.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::profile {

enum class IpFamily { kV4, kV6 };

std::string_view to_string(IpFamily family);

struct IpAddress {
    std::string text;  // as written (already validated)
    IpFamily family = IpFamily::kV4;
    std::array<std::uint8_t, 16> bytes{};  // network order; IPv4 uses the first 4

    int bit_length() const { return family == IpFamily::kV4 ? 32 : 128; }
};

struct IpPrefix {
    std::string text;   // "10.77.0.0/24"
    IpAddress network;  // host bits are zero (checked)
    int length = 0;     // prefix length in bits

    bool contains(const IpAddress& address) const;
    bool overlaps(const IpPrefix& other) const;
};

// Strict dotted-quad IPv4 or RFC 4291 IPv6 text; no zone ids, no brackets.
Result<IpAddress> parse_ip_address(std::string_view text);

// "address/length" with the host bits cleared.
Result<IpPrefix> parse_ip_prefix(std::string_view text);

}  // namespace hnbsec::profile
