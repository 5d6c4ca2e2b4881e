#include "proto/tls/versions.h"

#include <openssl/ssl.h>

namespace hnbsec::tls {

std::optional<Version> parse_version(std::string_view text) {
    for (std::string_view prefix : {"TLSv", "tlsv", "tls", "TLS"}) {
        if (text.substr(0, prefix.size()) == prefix) {
            text.remove_prefix(prefix.size());
            break;
        }
    }
    if (text == "1.0" || text == "1") return Version::kTls10;
    if (text == "1.1") return Version::kTls11;
    if (text == "1.2") return Version::kTls12;
    if (text == "1.3") return Version::kTls13;
    return std::nullopt;
}

int openssl_version(Version v) {
    switch (v) {
        case Version::kTls10:
            return TLS1_VERSION;
        case Version::kTls11:
            return TLS1_1_VERSION;
        case Version::kTls12:
            return TLS1_2_VERSION;
        case Version::kTls13:
            return TLS1_3_VERSION;
    }
    return TLS1_2_VERSION;
}

std::string hex16(std::uint16_t value) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text(4, '0');
    for (auto it = text.rbegin(); it != text.rend(); ++it, value = static_cast<std::uint16_t>(value >> 4U)) {
        *it = kDigits[value & 0xfU];
    }
    return text;
}

std::string version_name(int wire_version) {
    switch (wire_version) {
        case SSL3_VERSION:
            return "SSLv3";
        case TLS1_VERSION:
            return "TLSv1";
        case TLS1_1_VERSION:
            return "TLSv1.1";
        case TLS1_2_VERSION:
            return "TLSv1.2";
        case TLS1_3_VERSION:
            return "TLSv1.3";
        default:
            break;
    }
    return "0x" + hex16(static_cast<std::uint16_t>(wire_version));
}

}  // namespace hnbsec::tls
