#pragma once
// Loads the profile a command was given (or the built-in default) and prints its
// problems and warnings the way every command does: "file:line:col: message".

#include <filesystem>
#include <optional>

#include "harness/profile/load.h"

namespace hnbsec::cli {

// Loads `path`, or the built-in emulated profile when empty. Prints warnings and
// problems to stderr; returns the profile only when it has no problems.
std::optional<profile::Profile> load_profile_or_report(const std::optional<std::filesystem::path>& path);

// Prints every problem and warning of `loaded` to stderr.
void report_problems(const profile::LoadedProfile& loaded);

}  // namespace hnbsec::cli
