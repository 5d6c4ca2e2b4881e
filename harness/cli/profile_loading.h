#pragma once
// Loads the profile a command was given (or the built-in default) and prints its
// problems and warnings the way every command does: "file:line:col: message".

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

#include "fixtures/pki/manifest.h"
#include "harness/profile/load.h"

namespace hnbsec::cli {

// Loads `path`, or the built-in emulated profile when empty. Prints warnings and
// problems to stderr; returns the profile only when it has no problems.
std::optional<profile::Profile> load_profile_or_report(const std::optional<std::filesystem::path>& path);

// What a command that runs roles needs: the profile of --profile (the built-in one when
// empty) and the PKI of --pki (the profile's [pki] dir when empty). Problems go to stderr
// prefixed "hnbsec <command>: "; nullopt when either cannot be loaded.
struct ProfileAndPki {
    profile::Profile profile;
    pki::Manifest manifest;
};
std::optional<ProfileAndPki> load_profile_and_pki(const std::string& profile_path, const std::string& pki_dir,
                                                  std::string_view command);

// Prints every problem and warning of `loaded` to stderr.
void report_problems(const profile::LoadedProfile& loaded);

}  // namespace hnbsec::cli
