#include "harness/cli/profile_command.h"

#include <iostream>
#include <memory>
#include <string>

#include "harness/cli/profile_loading.h"

namespace hnbsec::cli {
namespace {

struct CheckOptions {
    std::string file;
};

int run_check(const CheckOptions& options) {
    const auto profile = load_profile_or_report(std::filesystem::path(options.file));
    if (!profile) return kExitFailure;
    std::cout << options.file << ": OK (campaign '" << profile->campaign.name << "', DUT "
              << profile::to_string(profile->dut.kind) << " " << profile->dut.identity << ", "
              << profile->pics.declared().size() << " PICS declared, sha256 " << profile->digest.substr(0, 16)
              << ")\n";
    return kExitOk;
}

}  // namespace

void register_profile_command(CLI::App& app, Action& action) {
    auto* profile = app.add_subcommand("profile", "Lab profiles: check what a campaign file says");
    profile->require_subcommand(1);

    auto options = std::make_shared<CheckOptions>();
    auto* check = profile->add_subcommand(
        "check", "Load a lab profile and report every problem at once, as file:line:col: message");
    check->add_option("file", options->file, "The profile (TOML)")->required()->check(CLI::ExistingFile);
    check->final_callback([&action, options] { action = [options] { return run_check(*options); }; });
}

}  // namespace hnbsec::cli
