#pragma once
// Internal: how path values in a profile are resolved.
//
// A relative path resolves against the working directory of the hnbsec
// process (it is kept relative, so the OS does exactly that). A leading
// "${profile_dir}" expands to the folder holding the profile file, so a
// profile can carry its own PKI or hook scripts next to it. Nothing else is
// expanded: no other ${...}, no "~".
//
// Hook commands are shell text, not paths: only a leading ${profile_dir} is
// replaced (shell-quoted when needed); anything else, including ${VAR}, is
// left for /bin/sh.

#include <filesystem>
#include <string_view>

#include "core/result.h"

namespace hnbsec::profile::detail {

inline constexpr std::string_view kProfileDirVariable = "${profile_dir}";

// The folder ${profile_dir} stands for, given the profile's path or source name.
std::filesystem::path profile_dir_of(const std::filesystem::path& profile_path);

Result<std::filesystem::path> resolve_profile_path(std::string_view written,
                                                   const std::filesystem::path& profile_dir);

// A hook command with a leading ${profile_dir} replaced.
Result<std::string> expand_hook_command(std::string_view command, const std::filesystem::path& profile_dir);

}  // namespace hnbsec::profile::detail
