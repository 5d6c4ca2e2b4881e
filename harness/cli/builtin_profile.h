#pragma once
// The default lab profile (fixtures/profiles/emulated.toml), compiled into hnbsec so
// commands work without --profile and the default is the shipped file, not a copy.

#include <string_view>

namespace hnbsec::cli {

inline constexpr std::string_view kBuiltinProfileName = "builtin:fixtures/profiles/emulated.toml";

std::string_view builtin_profile_text();

}  // namespace hnbsec::cli
