#pragma once
// Internal: the profile digest recorded in run results, so a verdict names the
// exact profile bytes it was produced with.

#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::profile::detail {

// SHA-256 of `bytes` as 64 lowercase hex digits.
Result<std::string> sha256_hex(std::string_view bytes);

}  // namespace hnbsec::profile::detail
