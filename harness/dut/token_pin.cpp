#include "harness/dut/token_pin.h"

namespace hnbsec::dut {
namespace fs = std::filesystem;

namespace {

fs::path absolute_path(const fs::path& path) {
    std::error_code ec;
    const fs::path abs = fs::absolute(path, ec);
    return (ec ? path : abs).lexically_normal();
}

}  // namespace

std::optional<fs::path> softhsm_store(const profile::Profile& profile, const pki::Manifest& manifest) {
    const auto token = manifest.options.find("token");
    if (token != manifest.options.end() && token->is_object()) {
        const std::string dir = token->value("softhsm_dir", "");
        if (!dir.empty()) return absolute_path(dir);
    }
    if (profile.hsm.softhsm_dir) return absolute_path(*profile.hsm.softhsm_dir);
    return std::nullopt;
}

Result<PinLocation> device_pin_location(const profile::Profile& profile, const pki::Manifest& manifest,
                                        const std::optional<fs::path>& file_override,
                                        const std::optional<std::string>& env_override) {
    if (file_override) return PinLocation{absolute_path(*file_override), std::nullopt};
    if (env_override) return PinLocation{std::nullopt, *env_override};
    if (profile.hsm.pin_file) return PinLocation{absolute_path(*profile.hsm.pin_file), std::nullopt};
    if (profile.hsm.pin_env) return PinLocation{std::nullopt, *profile.hsm.pin_env};
    if (auto store = softhsm_store(profile, manifest)) return PinLocation{*store / "user.pin", std::nullopt};
    return Error("no PIN source for the device token: set [hsm] pin_file or pin_env in the profile");
}

}  // namespace hnbsec::dut
