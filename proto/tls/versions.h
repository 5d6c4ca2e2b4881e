#pragma once
// TLS protocol versions as named by profiles and knobs ("1.2"), and their OpenSSL values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace hnbsec::tls {

enum class Version { kTls10, kTls11, kTls12, kTls13 };

// "1.0" | "1.1" | "1.2" | "1.3" (also "TLSv1.2" / "tls1.2").
std::optional<Version> parse_version(std::string_view text);
// The wire value (0x0303 for TLS 1.2), as SSL_CTX_set_min_proto_version takes it.
int openssl_version(Version v);
// "002f": four lowercase hex digits.
std::string hex16(std::uint16_t value);
// "TLSv1.2" etc., OpenSSL's spelling; for wire values 0x0300..0x0304 and anything else as hex.
std::string version_name(int wire_version);

}  // namespace hnbsec::tls
