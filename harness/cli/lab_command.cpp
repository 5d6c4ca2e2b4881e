#include "harness/cli/lab_command.h"

#include <csignal>
#include <iostream>
#include <memory>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/dut/make_dut_adapter.h"
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
    std::string dut = "none";  // none | profile | emulated | strongswan | external
    std::vector<std::string> defects;
    std::string dut_dir;
};

constexpr std::chrono::seconds kDutReadyTimeout{90};

std::optional<profile::DutKind> dut_kind(const std::string& name, const profile::Profile& profile) {
    if (name == "profile") return profile.dut.kind;
    if (name == "emulated") return profile::DutKind::kEmulated;
    if (name == "strongswan") return profile::DutKind::kStrongswan;
    if (name == "external") return profile::DutKind::kExternal;
    return std::nullopt;
}

// Starts the DUT the options name inside the running lab and waits (bounded) until it is
// in service where the adapter can tell. Null when no DUT was asked for.
Result<std::unique_ptr<dut::DutAdapter>> start_dut(const LabUpOptions& options, profile::Profile profile,
                                                   const pki::Manifest& manifest,
                                                   const net::NetworkPlan& plan) {
    if (options.dut == "none") return std::unique_ptr<dut::DutAdapter>();
    const auto kind = dut_kind(options.dut, profile);
    if (!kind)
        return Error("unknown --dut '" + options.dut + "' (none, profile, emulated, strongswan, external)");
    profile.dut.kind = *kind;
    dut::DutContext context;
    context.manifest = &manifest;
    context.plan = &plan;
    context.run_dir = options.dut_dir.empty()
                          ? std::filesystem::path("hnbsec-out/runs") / plan.run_id.text() / "dut"
                          : std::filesystem::path(options.dut_dir);
    context.defects = options.defects;
    HNBSEC_TRY(auto adapter, dut::make_dut_adapter(profile, context));
    HNBSEC_TRY(auto started, adapter->start());
    std::cout << timestamp() << " dut: " << adapter->kind() << " " << dut::to_string(started.outcome) << ": "
              << started.detail << std::endl;
    for (const auto& file : adapter->evidence()) {
        std::cout << timestamp() << " dut: evidence " << file.label << " " << file.path.string() << std::endl;
    }
    HNBSEC_TRY(auto ready, adapter->wait_ready(kDutReadyTimeout));
    std::cout << timestamp() << " dut: ready " << dut::to_string(ready.outcome) << ": " << ready.detail
              << std::endl;
    return adapter;
}

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
    lab_options.ntp_knobs.offset = std::chrono::seconds(options.ntp_offset);
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
    auto dut = start_dut(options, *profile, *manifest, plan);
    if (!dut.ok()) {
        std::cerr << "hnbsec lab up: DUT: " << dut.error().message() << "\n";
        (void)(*lab)->stop();
        return kExitFailure;
    }
    std::cout << timestamp() << " ready: run " << plan.run_id.text() << ", DUT namespace "
              << (plan.dut_ns.empty() ? "(none: external DUT)" : plan.dut_ns) << ", public namespace "
              << plan.public_ns << ", core namespace " << plan.core_ns << std::endl;
    int signal = 0;
    sigwait(&stop_signals, &signal);
    std::cout << timestamp() << " stopping (signal " << signal << ")" << std::endl;
    if (*dut) {
        if (auto stopped_dut = (*dut)->stop(); !stopped_dut.ok()) {
            std::cerr << "hnbsec lab up: stopping the DUT: " << stopped_dut.error().message() << "\n";
        }
    }
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
    up->add_option(
          "--dut", options->dut,
          "Start a device under test in the DUT namespace once the lab is up: none (default), profile "
          "([dut] kind), emulated (hnbsec-henb), strongswan (charon as an H(e)NB), external")
        ->check(CLI::IsMember({"none", "profile", "emulated", "strongswan", "external"}));
    up->add_option("--defect", options->defects,
                   "Emulated DUT: switch this defect on from boot (repeatable; hnbsec-henb --list-defects)");
    up->add_option("--dut-dir", options->dut_dir,
                   "The DUT's run folder: configs, logs (default: hnbsec-out/runs/<run ID>/dut)");
    up->add_option("--run-id", options->run_id,
                   "Run ID in the names of namespaces and links (default: random)");
    up->final_callback([&action, options] { action = [options] { return run_lab_up(*options); }; });
}

}  // namespace hnbsec::cli
