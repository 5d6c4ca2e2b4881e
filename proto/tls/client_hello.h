#pragma once
// What a TLS client offered, as a plain value: recorded by the server from the ClientHello
// (RFC 8446 §4.1.2) before it answers, so a test can check versions, suites, groups and
// signature algorithms against the TS 33.310 / 33.210 TLS profile whatever the handshake's fate.

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"

namespace hnbsec::tls {

struct ClientHello {
    std::uint16_t legacy_version = 0;                 // client_version field (0x0303 for 1.2 and 1.3)
    std::vector<std::uint16_t> supported_versions;    // extension 43 (RFC 8446 §4.2.1); empty if absent
    std::vector<std::uint16_t> cipher_suites;         // in offered order, GREASE included
    std::vector<std::uint16_t> extensions;            // extension types in the order sent
    std::string server_name;                          // SNI host_name (RFC 6066 §3); empty if absent
    std::vector<std::uint16_t> signature_algorithms;  // extension 13 (RFC 8446 §4.2.3)
    std::vector<std::uint16_t> supported_groups;      // extension 10 (RFC 8446 §4.2.7)
    bool operator==(const ClientHello&) const = default;

    // The highest version offered: the max of supported_versions, else legacy_version.
    std::uint16_t highest_version() const;
    // One line: "TLSv1.3 (legacy TLSv1.2) versions 0304,0303 suites 1301,1302 groups 001d,0017 sigalgs 0804
    // sni hems.lab.test".
    std::string summary() const;
};

// Extension bodies, decoded through a bounded cursor; errors name the extension and field.
Result<std::vector<std::uint16_t>> decode_supported_versions(std::span<const std::uint8_t> body);
Result<std::vector<std::uint16_t>> decode_u16_list(std::span<const std::uint8_t> body, const char* extension);
Result<std::string> decode_server_name(std::span<const std::uint8_t> body);

}  // namespace hnbsec::tls
