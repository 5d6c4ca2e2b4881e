#include "harness/cli/profile_loading.h"

#include <iostream>

#include "harness/cli/builtin_profile.h"

namespace hnbsec::cli {

void report_problems(const profile::LoadedProfile& loaded) {
    for (const auto& w : loaded.warnings) std::cerr << profile::format_problem(w) << " [warning]\n";
    for (const auto& p : loaded.problems) std::cerr << profile::format_problem(p) << "\n";
}

std::optional<profile::Profile> load_profile_or_report(const std::optional<std::filesystem::path>& path) {
    profile::LoadedProfile loaded =
        path ? profile::load_profile(*path)
             : profile::parse_profile(builtin_profile_text(), std::string(kBuiltinProfileName));
    report_problems(loaded);
    if (!loaded.ok()) {
        std::cerr << "hnbsec: the profile has " << loaded.problems.size()
                  << " problem(s); fix them (see docs/profile.md) and run again\n";
        return std::nullopt;
    }
    return std::move(loaded.profile);
}

std::optional<ProfileAndPki> load_profile_and_pki(const std::string& profile_path, const std::string& pki_dir,
                                                  std::string_view command) {
    auto profile = load_profile_or_report(
        profile_path.empty() ? std::nullopt : std::optional<std::filesystem::path>(profile_path));
    if (!profile) return std::nullopt;
    const std::filesystem::path dir = pki_dir.empty() ? profile->pki.dir : std::filesystem::path(pki_dir);
    auto manifest = pki::Manifest::load(dir);
    if (!manifest.ok()) {
        std::cerr << "hnbsec " << command << ": " << manifest.error().message()
                  << "\n(create a PKI with 'hnbsec pki init')\n";
        return std::nullopt;
    }
    return ProfileAndPki{std::move(*profile), std::move(manifest).value()};
}

}  // namespace hnbsec::cli
