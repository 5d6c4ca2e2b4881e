#include "emulator/services/cwmp_url.h"

#include <charconv>

#include <arpa/inet.h>
#include <netinet/in.h>

namespace hnbsec::emulator {
namespace {

Error url_error(std::string_view url, const std::string& what) {
    return Error("ACS URL '" + std::string(url) + "': " + what);
}

bool is_ip_literal(const std::string& host) {
    in6_addr v6{};
    in_addr v4{};
    return ::inet_pton(AF_INET, host.c_str(), &v4) == 1 || ::inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

}  // namespace

std::string CwmpUrl::authority() const {
    const bool v6 = host.find(':') != std::string::npos;
    return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

Result<CwmpUrl> parse_cwmp_url(std::string_view url) {
    CwmpUrl parsed;
    std::string_view rest = url;
    if (rest.substr(0, 8) == "https://") {
        rest.remove_prefix(8);
    } else if (rest.substr(0, 7) == "http://") {
        parsed.https = false;
        parsed.port = 80;
        rest.remove_prefix(7);
    } else {
        return url_error(url, "scheme must be http:// or https://");
    }
    if (rest.find('#') != std::string_view::npos)
        return url_error(url, "a fragment has no place in an ACS URL");

    const std::size_t path_start = rest.find_first_of("/?");
    std::string_view authority = rest.substr(0, path_start);
    if (path_start != std::string_view::npos) {
        parsed.target = std::string(rest.substr(path_start));
        if (parsed.target.front() == '?') parsed.target.insert(0, "/");
    }
    if (authority.find('@') != std::string_view::npos) return url_error(url, "userinfo is not supported");

    std::string_view port_text;
    if (!authority.empty() && authority.front() == '[') {
        const std::size_t close = authority.find(']');
        if (close == std::string_view::npos) return url_error(url, "unterminated IPv6 literal");
        parsed.host = std::string(authority.substr(1, close - 1));
        std::string_view after = authority.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') return url_error(url, "junk after the IPv6 literal");
            port_text = after.substr(1);
        }
        if (!is_ip_literal(parsed.host)) return url_error(url, "'" + parsed.host + "' is no IPv6 address");
    } else {
        const std::size_t colon = authority.find(':');
        parsed.host = std::string(authority.substr(0, colon));
        if (colon != std::string_view::npos) port_text = authority.substr(colon + 1);
    }
    if (parsed.host.empty()) return url_error(url, "no host");
    parsed.host_is_ip = is_ip_literal(parsed.host);

    if (!port_text.empty()) {
        unsigned value = 0;
        const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
            return url_error(url, "port '" + std::string(port_text) + "' is not 1..65535");
        }
        parsed.port = static_cast<std::uint16_t>(value);
    }
    return parsed;
}

}  // namespace hnbsec::emulator
