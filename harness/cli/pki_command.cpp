#include "harness/cli/pki_command.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "fixtures/pki/pki.h"
#include "harness/cli/profile_loading.h"
#include "harness/lab/pki_setup.h"

namespace hnbsec::cli {
namespace {

struct InitOptions {
    std::string out;
    std::string profile;
    std::string token_label;
    std::string pin_file;
    std::string pin_env;
    bool force = false;
};

std::optional<std::filesystem::path> given(const std::string& value) {
    if (value.empty()) return std::nullopt;
    return std::filesystem::path(value);
}

int run_init(const InitOptions& options) {
    const auto profile = load_profile_or_report(given(options.profile));
    if (!profile) return kExitFailure;

    lab::PkiSetupRequest request;
    request.profile = &*profile;
    request.out_dir = given(options.out);
    if (!options.token_label.empty()) request.token_label = options.token_label;
    if (!options.pin_file.empty()) request.pin = hsm::PinSource::file(options.pin_file);
    if (!options.pin_env.empty()) request.pin = hsm::PinSource::environment(options.pin_env);
    request.force = options.force;

    auto result = lab::set_up_pki(request);
    if (!result.ok()) {
        std::cerr << "hnbsec pki init: " << result.error().message() << "\n";
        return kExitFailure;
    }
    const auto& r = *result;
    std::size_t certificates = 0;
    for (const auto& e : r.manifest.entries) certificates += e.is_certificate() ? 1 : 0;
    std::cout << "test PKI written to " << r.dir.string() << ": " << certificates << " certificates, "
              << r.manifest.entries.size() - certificates << " CRLs, OCSP indexes and trust bundles\n";
    for (const auto& e : r.manifest.entries)
        if (e.key && e.key->on_token())
            std::cout << "  " << e.name << ": key on token at " << e.key->location << "\n";
    std::cout << "token '" << r.token_label << "'";
    if (r.softhsm_dir) std::cout << " in SoftHSM2 store " << r.softhsm_dir->string();
    std::cout << "; user PIN from " << r.pin_origin << "\n";
    for (const auto& s : r.manifest.skipped) std::cout << "  skipped " << s.name << ": " << s.reason << "\n";
    std::cout << "manifest: " << (r.dir / pki::Manifest::kFileName).string() << "\n";
    return kExitOk;
}

struct ShowOptions {
    std::string dir;
    std::string profile;
};

int run_show(const ShowOptions& options) {
    std::filesystem::path dir = options.dir;
    if (dir.empty()) {
        const auto profile = load_profile_or_report(given(options.profile));
        if (!profile) return kExitFailure;
        dir = profile->pki.dir;
    }
    auto manifest = pki::Manifest::load(dir);
    if (!manifest.ok()) {
        std::cerr << "hnbsec pki show: " << manifest.error().message()
                  << "\n(create a PKI with 'hnbsec pki init')\n";
        return kExitFailure;
    }
    for (const auto& line : pki::describe(*manifest)) std::cout << line << "\n";
    if (manifest->options.contains("token")) {
        const auto& t = manifest->options["token"];
        std::cout << "token: label=" << t.value("label", "") << " module=" << t.value("module", "");
        if (!t.value("softhsm_dir", "").empty()) std::cout << " softhsm_dir=" << t.value("softhsm_dir", "");
        std::cout << " pin_source=\"" << t.value("pin_source", "") << "\"\n";
    }
    return kExitOk;
}

void register_init(CLI::App& pki, Action& action) {
    auto options = std::make_shared<InitOptions>();
    auto* init = pki.add_subcommand(
        "init",
        "Create the complete test PKI of a campaign (CAs, SeGW, H(e)MS, device and OCSP certificates, CRLs, "
        "every broken variant) with the device keys generated on the PKCS#11 token");
    init->add_option("--out", options->out, "Folder for the PKI (default: [pki] dir of the profile)");
    init->add_option("--profile", options->profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    init->add_option("--token-label", options->token_label, "Token label (default: [hsm] token_label)");
    auto* pin_file =
        init->add_option("--pin-file", options->pin_file,
                         "File holding the token's user PIN (never give a PIN on the command line)");
    auto* pin_env =
        init->add_option("--pin-env", options->pin_env, "Environment variable holding the token's user PIN");
    pin_file->excludes(pin_env);
    init->add_flag("--force", options->force, "Replace an existing PKI and the keys of its token");
    init->final_callback([&action, options] { action = [options] { return run_init(*options); }; });
}

void register_show(CLI::App& pki, Action& action) {
    auto options = std::make_shared<ShowOptions>();
    auto* show = pki.add_subcommand(
        "show", "One line per certificate: role, subject, SAN, key, validity, where the key lives, variant");
    show->add_option("dir", options->dir, "PKI folder (default: [pki] dir of the profile)");
    show->add_option("--profile", options->profile, "Lab profile whose [pki] dir to show")
        ->check(CLI::ExistingFile);
    show->final_callback([&action, options] { action = [options] { return run_show(*options); }; });
}

}  // namespace

void register_pki_command(CLI::App& app, Action& action) {
    auto* pki = app.add_subcommand("pki", "The campaign's test PKI and PKCS#11 token");
    pki->require_subcommand(1);
    register_init(*pki, action);
    register_show(*pki, action);
}

}  // namespace hnbsec::cli
