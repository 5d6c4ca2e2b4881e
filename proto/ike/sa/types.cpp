#include "proto/ike/sa/types.h"

#include <cstdio>

namespace hnbsec::ike {

namespace {

std::string ip_string(const Bytes& ip) {
    std::string s;
    if (ip.size() == 4) {
        for (std::size_t i = 0; i < 4; ++i) {
            if (i != 0) s += '.';
            s += std::to_string(ip[i]);
        }
        return s;
    }
    if (ip.size() == 16) {
        char buf[8];
        for (std::size_t i = 0; i < 16; i += 2) {
            if (i != 0) s += ':';
            (void)std::snprintf(buf, sizeof buf, "%x", (ip[i] << 8) | ip[i + 1]);
            s += buf;
        }
        return s;
    }
    return "<" + hex_string(ip) + ">";
}

}  // namespace

std::string hex_string(const Bytes& bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

std::string to_string(const Endpoint& endpoint) {
    if (endpoint.ip.size() == 16) return "[" + ip_string(endpoint.ip) + "]:" + std::to_string(endpoint.port);
    return ip_string(endpoint.ip) + ":" + std::to_string(endpoint.port);
}

Endpoint ipv4_endpoint(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d, std::uint16_t port) {
    return Endpoint{Bytes{a, b, c, d}, port};
}

std::string to_string(const TrafficSelector& ts) {
    std::string s = ip_string(ts.start_address) + "-" + ip_string(ts.end_address);
    if (ts.ip_protocol != 0) s += " proto " + std::to_string(ts.ip_protocol);
    if (ts.start_port != 0 || ts.end_port != 65535) {
        s += " port " + std::to_string(ts.start_port) + "-" + std::to_string(ts.end_port);
    }
    return s;
}

}  // namespace hnbsec::ike
