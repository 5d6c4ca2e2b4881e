#include "harness/profile/load.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include <toml++/toml.h>

#include "harness/profile/diagnostics.h"
#include "harness/profile/digest.h"
#include "harness/profile/profile_dir.h"
#include "harness/profile/rules.h"
#include "harness/profile/sections.h"
#include "harness/profile/table_reader.h"

namespace hnbsec::profile {
namespace {

LoadedProfile finish(detail::Diagnostics& diag, Profile profile) {
    LoadedProfile loaded;
    loaded.problems = diag.take_errors();
    loaded.warnings = diag.take_warnings();
    if (loaded.problems.empty()) loaded.profile = std::move(profile);
    return loaded;
}

std::string default_campaign_name(const std::filesystem::path& source) {
    const auto stem = source.stem().string();
    return stem.empty() ? std::string("profile") : stem;
}

}  // namespace

std::string format_problem(const ProfileProblem& problem) {
    if (problem.line <= 0) return problem.file + ": " + problem.message;
    return problem.file + ":" + std::to_string(problem.line) + ":" +
           std::to_string(std::max(problem.column, 1)) + ": " + problem.message;
}

LoadedProfile parse_profile(std::string_view text, std::string source_name) {
    detail::Diagnostics diag(source_name);
    Profile profile;
    profile.source = source_name;

    toml::table document;
    try {
        document = toml::parse(text, std::string_view{source_name});
    } catch (const toml::parse_error& error) {
        // The only problem that stops the other checks: there is no document to check.
        diag.error(detail::position_of(error.source()),
                   "TOML syntax error: " + std::string(error.description()));
        return finish(diag, std::move(profile));
    }

    if (auto digest = detail::sha256_hex(text); digest.ok()) {
        profile.digest = std::move(digest).value();
    } else {
        diag.error(detail::Position{}, digest.error().what());
    }

    detail::ReadContext context{diag, detail::profile_dir_of(profile.source),
                                default_campaign_name(profile.source)};
    detail::TableReader root(&document, "", diag);
    detail::read_campaign(root, context, profile.campaign);
    detail::read_dut(root, context, profile.dut);
    detail::read_pics(root, context, profile.pics);
    detail::read_pixit(root, context, profile.pixit);
    detail::read_pki(root, context, profile.pics, profile.pki);
    detail::read_hsm(root, context, profile.hsm);
    detail::read_capture(root, context, profile.capture);
    root.finish();
    diag.report_unknown_keys();

    detail::check_pics_combinations(profile, diag);
    detail::check_required_pixit(profile, diag);
    detail::check_network_plan(profile, diag);
    return finish(diag, std::move(profile));
}

LoadedProfile load_profile(const std::filesystem::path& path) {
    const auto unreadable = [&](std::string why) {
        LoadedProfile loaded;
        loaded.problems.push_back({path.string(), 0, 0, "cannot read the profile: " + std::move(why)});
        return loaded;
    };
    std::error_code ignored;
    if (std::filesystem::is_directory(path, ignored)) return unreadable("it is a folder");
    errno = 0;
    std::ifstream file(path, std::ios::binary);
    if (!file) return unreadable(errno != 0 ? std::strerror(errno) : "open failed");
    std::string bytes{std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
    if (file.bad()) return unreadable("read error");
    return parse_profile(bytes, path.string());
}

}  // namespace hnbsec::profile
