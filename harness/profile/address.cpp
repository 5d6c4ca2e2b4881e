#include "harness/profile/address.h"

#include <algorithm>
#include <charconv>

#include <arpa/inet.h>

namespace hnbsec::profile {
namespace {

bool bit_at(const std::array<std::uint8_t, 16>& bytes, int bit) {
    const auto byte = bytes[static_cast<std::size_t>(bit / 8)];
    return ((byte >> (7 - bit % 8)) & 1) != 0;
}

// True when a and b agree on their first `bits` bits.
// The address text of `bytes` in `family` (inet_ntop's canonical form).
std::string address_text(IpFamily family, const std::array<std::uint8_t, 16>& bytes) {
    char buffer[INET6_ADDRSTRLEN] = {};
    inet_ntop(family == IpFamily::kV4 ? AF_INET : AF_INET6, bytes.data(), buffer, sizeof buffer);
    return buffer;
}

bool same_prefix(const IpAddress& a, const IpAddress& b, int bits) {
    if (a.family != b.family) return false;
    for (int bit = 0; bit < bits; ++bit) {
        if (bit_at(a.bytes, bit) != bit_at(b.bytes, bit)) return false;
    }
    return true;
}

}  // namespace

std::string_view to_string(IpFamily family) {
    return family == IpFamily::kV4 ? "IPv4" : "IPv6";
}

bool IpPrefix::contains(const IpAddress& address) const {
    return same_prefix(network, address, length);
}

bool IpPrefix::overlaps(const IpPrefix& other) const {
    // Two prefixes overlap exactly when the shorter one contains the longer one.
    return same_prefix(network, other.network, std::min(length, other.length));
}

Result<IpAddress> parse_ip_address(std::string_view text) {
    // inet_pton needs a NUL-terminated string; an embedded NUL must not sneak through.
    const std::string copy(text);
    if (copy.find('\0') != std::string::npos || copy.empty()) {
        return Error("'" + copy + "' is not an IPv4 or IPv6 address");
    }
    IpAddress address;
    address.text = copy;
    if (copy.find(':') == std::string::npos) {
        address.family = IpFamily::kV4;
        if (inet_pton(AF_INET, copy.c_str(), address.bytes.data()) == 1) return address;
    } else {
        address.family = IpFamily::kV6;
        if (inet_pton(AF_INET6, copy.c_str(), address.bytes.data()) == 1) return address;
    }
    return Error("'" + copy + "' is not an IPv4 or IPv6 address");
}

Result<IpPrefix> parse_ip_prefix(std::string_view text) {
    const std::string copy(text);
    const auto slash = text.find('/');
    if (slash == std::string_view::npos) {
        return Error("'" + copy + "' is not a CIDR prefix (expected address/length, e.g. 10.77.0.0/24)");
    }
    auto address = parse_ip_address(text.substr(0, slash));
    if (!address.ok()) {
        return Error("'" + copy + "' is not a CIDR prefix: " + address.error().what());
    }
    const auto length_text = text.substr(slash + 1);
    int length = -1;
    const auto* first = length_text.data();
    const auto* last = first + length_text.size();
    const auto [end, ec] = std::from_chars(first, last, length);
    const int max_length = address->bit_length();
    if (length_text.empty() || ec != std::errc{} || end != last || length < 0 || length > max_length) {
        return Error("'" + copy + "' is not a CIDR prefix: the length must be 0.." +
                     std::to_string(max_length));
    }
    IpPrefix prefix;
    prefix.text = copy;
    prefix.network = std::move(address).value();
    prefix.length = length;
    auto cleared = prefix.network.bytes;
    for (int bit = length; bit < max_length; ++bit) {
        const auto mask = static_cast<std::uint8_t>(0x80U >> (bit % 8));
        cleared[static_cast<std::size_t>(bit / 8)] &= static_cast<std::uint8_t>(~mask);
    }
    if (cleared != prefix.network.bytes) {
        return Error("'" + copy + "' has host bits set; did you mean '" +
                     address_text(prefix.network.family, cleared) + "/" + std::to_string(length) + "'?");
    }
    return prefix;
}

}  // namespace hnbsec::profile
