#include "harness/cli/lab_command.h"

#include <csignal>
#include <iostream>
#include <memory>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/lab/lab_services.h"

namespace hnbsec::cli {
namespace {

struct LabUpOptions {
    std::string profile;
    std::string pki;
    std::string keys_out;
    std::string certificate = "segw";
    std::string run_id;
    long ntp_offset = 0;
    long esp_rekey_after = 0;
};

int run_lab_up(const LabUpOptions& options) {
    const auto profile = load_profile_or_report(
        options.profile.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.profile));
    if (!profile) return kExitFailure;
    const std::filesystem::path pki_dir =
        options.pki.empty() ? profile->pki.dir : std::filesystem::path(options.pki);
    auto manifest = pki::Manifest::load(pki_dir);
    if (!manifest.ok()) {
        std::cerr << "hnbsec lab up: " << manifest.error().message()
                  << "\n(create a PKI with 'hnbsec pki init')\n";
        return kExitFailure;
    }
    lab::LabOptions lab_options;
    lab_options.segw_certificate = options.certificate;
    if (!options.keys_out.empty()) lab_options.keys_dir = options.keys_out;
    if (!options.run_id.empty()) lab_options.run_id = options.run_id;
    lab_options.ntp_offset = std::chrono::seconds(options.ntp_offset);
    if (options.esp_rekey_after > 0) {
        // Soft limit: the SeGW rekeys; the hard limit leaves the device time to move over.
        lab_options.esp_lifetime.soft_time = std::chrono::seconds(options.esp_rekey_after);
        lab_options.esp_lifetime.hard_time = std::chrono::seconds(options.esp_rekey_after * 3);
    }

    // SIGINT/SIGTERM are taken with sigwait() below; blocked before any thread starts so
    // that no role thread receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

    auto lab = lab::LabServices::start(*profile, *manifest, lab_options, [](const lab::LabEvent& event) {
        std::cout << timestamp() << ' ' << lab::to_string(event) << std::endl;  // a line per event, flushed
    });
    if (!lab.ok()) {
        std::cerr << "hnbsec lab up: " << lab.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << (*lab)->describe();
    const auto& plan = (*lab)->plan();
    std::cout << timestamp() << " ready: run " << plan.run_id.text() << ", DUT namespace "
              << (plan.dut_ns.empty() ? "(none: external DUT)" : plan.dut_ns) << ", public namespace "
              << plan.public_ns << ", core namespace " << plan.core_ns << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::cout << timestamp() << " stopping (signal " << signal << ")" << std::endl;
    auto stopped = (*lab)->stop();
    if (!stopped.ok()) {
        std::cerr << "hnbsec lab up: teardown: " << stopped.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << timestamp() << " stopped, network removed" << std::endl;
    return kExitOk;
}

}  // namespace

void register_lab_command(CLI::App& app, Action& action) {
    auto* lab =
        app.add_subcommand("lab", "The harness's whole world: network namespaces and every role in them");
    lab->require_subcommand(1);
    auto options = std::make_shared<LabUpOptions>();
    auto* up = lab->add_subcommand(
        "up",
        "Build the network from the profile (DUT/public/core namespaces, backhaul veth, core TUN), run the "
        "SeGW "
        "(with the ESP tunnel into the core network) and the time server in it, print every event until "
        "interrupted, then remove everything");
    up->add_option("--profile", options->profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    up->add_option("--pki", options->pki, "PKI folder (default: [pki] dir of the profile)");
    up->add_option("--certificate", options->certificate, "SeGW certificate to present, by PKI name");
    up->add_option(
        "--keys-out", options->keys_out,
        "Export the SeGW's IKE and ESP keys as Wireshark decryption tables into this folder (opt-in)");
    up->add_option("--ntp-offset", options->ntp_offset, "Time server clock offset in seconds (a test knob)");
    up->add_option("--esp-rekey-after", options->esp_rekey_after,
                   "Soft lifetime of every Child SA in seconds: the SeGW rekeys it through CREATE_CHILD_SA "
                   "(hard lifetime: 3 times as long)")
        ->check(CLI::PositiveNumber);
    up->add_option("--run-id", options->run_id,
                   "Run ID in the names of namespaces and links (default: random)");
    up->final_callback([&action, options] { action = [options] { return run_lab_up(*options); }; });
}

}  // namespace hnbsec::cli
