#pragma once
// Loading and checking a lab profile. Checking never stops at the first
// problem: a lab engineer fixes a profile in one pass, not one error per run.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/profile/problem.h"
#include "harness/profile/profile.h"

namespace hnbsec::profile {

struct LoadedProfile {
    std::optional<Profile> profile;        // set only when `problems` is empty
    std::vector<ProfileProblem> problems;  // errors, sorted by position
    std::vector<ProfileProblem> warnings;  // notes that do not stop a run, sorted by position

    bool ok() const { return profile.has_value(); }
};

// Reads and checks the profile at `path`. Relative paths inside the profile
// resolve against the working directory; a leading ${profile_dir} expands to
// the folder of `path`.
LoadedProfile load_profile(const std::filesystem::path& path);

// Checks profile text; `source_name` names it in problems and stands in for
// the file path (its folder is ${profile_dir}, its stem the default campaign name).
LoadedProfile parse_profile(std::string_view text, std::string source_name);

}  // namespace hnbsec::profile
