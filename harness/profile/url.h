#pragma once
// The http(s) URLs a profile points at: HeMS (TR-069 ACS) endpoints and the
// harness' OCSP responder and CRL distribution point.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::profile {

struct Url {
    std::string text;        // as written (already validated)
    bool https = false;      // scheme is https (TLS)
    std::string host;        // DNS name or IP literal, IPv6 without brackets
    std::uint16_t port = 0;  // explicit port or the scheme default (80/443)
    std::string path;        // "/..." including any query, or "" when absent
};

// Accepts "http://" or "https://", a host (DNS name, IPv4, or [IPv6]), an
// optional port and an optional path. No user info, no whitespace.
Result<Url> parse_url(std::string_view text);

}  // namespace hnbsec::profile
