#pragma once
// The ACS URL of TR-069 §3.1 ("https://acs.example:7547/cwmp") split into what the
// session needs: scheme (which transport), host (TCP peer, SNI, the name the server
// certificate must carry), port and the request target.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator {

struct CwmpUrl {
    bool https = true;
    std::string host;  // without brackets for IPv6 literals
    bool host_is_ip = false;
    std::uint16_t port = 443;
    std::string target = "/";  // path and query, at least "/"

    // "host:port" as the Host header field carries it (RFC 9110 §7.2), brackets for IPv6.
    std::string authority() const;
};

// http:// and https:// only; no userinfo (credentials do not belong in a URL here),
// no fragment; default ports 80 / 443. Errors name the part that is wrong.
Result<CwmpUrl> parse_cwmp_url(std::string_view url);

}  // namespace hnbsec::emulator
