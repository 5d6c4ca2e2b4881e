#pragma once
// Base64 (RFC 4648 §4) for OCSP requests sent with GET (RFC 6960 Appendix A.1), and the
// percent-decoding of the URL they travel in (RFC 3986 §2.1). Strict and total:
// anything malformed is an error naming the offset.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hnbsec::ocsp {

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text);
std::string base64_encode(std::span<const std::uint8_t> bytes);
Result<std::string> percent_decode(std::string_view text);

}  // namespace hnbsec::ocsp
