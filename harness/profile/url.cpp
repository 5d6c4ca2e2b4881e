#include "harness/profile/url.h"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "harness/profile/address.h"
#include "harness/profile/identifiers.h"

namespace hnbsec::profile {
namespace {

Error bad_url(std::string_view text, std::string_view why) {
    return Error("'" + std::string(text) + "' is not a usable URL: " + std::string(why));
}

}  // namespace

Result<Url> parse_url(std::string_view text) {
    const bool printable = std::all_of(
        text.begin(), text.end(), [](char c) { return std::isgraph(static_cast<unsigned char>(c)) != 0; });
    if (!printable) return bad_url(text, "it contains spaces or control characters");

    Url url;
    url.text = std::string(text);
    std::string_view rest;
    if (text.starts_with("https://")) {
        url.https = true;
        url.port = 443;
        rest = text.substr(8);
    } else if (text.starts_with("http://")) {
        url.port = 80;
        rest = text.substr(7);
    } else {
        return bad_url(text, "the scheme must be http:// or https://");
    }

    const auto path_start = rest.find_first_of("/?");
    const auto authority = rest.substr(0, path_start);
    if (path_start != std::string_view::npos) url.path = std::string(rest.substr(path_start));
    if (authority.find('@') != std::string_view::npos) return bad_url(text, "user info is not allowed");

    std::string_view host;
    std::string_view port;
    bool has_port = false;
    if (authority.starts_with('[')) {
        const auto close = authority.find(']');
        if (close == std::string_view::npos) return bad_url(text, "unterminated [IPv6] host");
        host = authority.substr(1, close - 1);
        const auto after = authority.substr(close + 1);
        if (!after.empty() && !after.starts_with(':')) return bad_url(text, "junk after the [IPv6] host");
        has_port = !after.empty();
        if (has_port) port = after.substr(1);
        auto address = parse_ip_address(host);
        if (!address.ok() || address->family != IpFamily::kV6) {
            return bad_url(text, "the bracketed host is not an IPv6 address");
        }
    } else {
        const auto colon = authority.find(':');
        host = authority.substr(0, colon);
        has_port = colon != std::string_view::npos;
        if (has_port) port = authority.substr(colon + 1);
        if (host.empty()) return bad_url(text, "the host is missing");
        if (!check_host(host).ok()) return bad_url(text, "the host is neither an IP address nor a DNS name");
    }
    url.host = std::string(host);

    if (has_port) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (port.empty() || ec != std::errc{} || end != port.data() + port.size() || value == 0 ||
            value > 65535) {
            return bad_url(text, "the port must be 1..65535");
        }
        url.port = static_cast<std::uint16_t>(value);
    }
    return url;
}

}  // namespace hnbsec::profile
