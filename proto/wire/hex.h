#pragma once
// Hex text <-> bytes, for test fixtures, logs and transcripts.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hnbsec::wire {

// Lower-case hex digits, no separators: "0a1b".
std::string to_hex(std::span<const std::uint8_t> bytes);

// Accepts upper- or lower-case digits; ASCII whitespace anywhere is ignored, so
// fixtures can wrap long messages. An odd digit count or any other character fails.
Result<std::vector<std::uint8_t>> from_hex(std::string_view text);

}  // namespace hnbsec::wire
