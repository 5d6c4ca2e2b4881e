#include "harness/cli/lab_command.h"

#include <csignal>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/dut/make_dut_adapter.h"
#include "harness/lab/case_evidence.h"
#include "harness/lab/lab_services.h"
#include "harness/net/run_id.h"

namespace hnbsec::cli {
namespace {

std::mutex output_mutex;

// One timestamped line per call: role threads report events while the main thread reports
// progress, and their lines must never interleave.
template <typename... Parts>
void say(const Parts&... parts) {
    std::ostringstream line;
    line << timestamp() << ' ';
    (line << ... << parts);
    line << '\n';
    const std::lock_guard lock(output_mutex);
    std::cout << line.str() << std::flush;
}

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
    bool capture = true;       // the bring-up's wire evidence
    bool export_keys = false;  // opt-in: session keys into the evidence
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
    say("dut: ", adapter->kind(), " ", dut::to_string(started.outcome), ": ", started.detail);
    for (const auto& file : adapter->evidence()) {
        say("dut: evidence ", file.label, " ", file.path.string());
    }
    HNBSEC_TRY(auto ready, adapter->wait_ready(kDutReadyTimeout));
    say("dut: ready ", dut::to_string(ready.outcome), ": ", ready.detail);
    return adapter;
}

// Writes the bring-up's evidence and says where it is and whether the capture is whole.
bool report_evidence(lab::CaseRecorder& recorder) {
    auto evidence = recorder.finish();
    if (!evidence.ok()) {
        std::cerr << "hnbsec lab up: evidence: " << evidence.error().message() << "\n";
        return false;
    }
    const auto& stats = evidence->stats;
    say("evidence: ", evidence->capture.string(), " (", stats.packets_written, " packets, libpcap dropped ",
        stats.dropped, ", interface dropped ", stats.interface_dropped,
        (evidence->tls_secrets_embedded ? ", TLS secrets embedded" : ""), "), ", evidence->summary.string());
    if (stats.dropped != 0 || stats.interface_dropped != 0)
        std::cerr << "hnbsec lab up: the capture lost packets: verdicts on absence are unsafe\n";
    return true;
}

int run_lab_up(const LabUpOptions& options) {
    auto loaded = load_profile_and_pki(options.profile, options.pki, "lab up");
    if (!loaded) return kExitFailure;
    const auto& profile = loaded->profile;
    const auto& manifest = loaded->manifest;
    lab::LabOptions lab_options;
    lab_options.segw_certificate = options.certificate;
    if (!options.keys_out.empty()) lab_options.keys_dir = options.keys_out;
    // The run ID is fixed here: the evidence folder, where the SeGW writes keys from its
    // first exchange on, is named by it.
    auto run_id = options.run_id.empty() ? net::RunId::generate() : net::RunId::parse(options.run_id);
    if (!run_id.ok()) {
        std::cerr << "hnbsec lab up: --run-id: " << run_id.error().message() << "\n";
        return kExitUsage;
    }
    lab_options.run_id = run_id->text();
    lab::CaseEvidenceOptions evidence_options;
    evidence_options.test_case = "lab-up";
    evidence_options.dir = std::filesystem::path("hnbsec-out/runs") / run_id->text() / "evidence" / "lab-up";
    evidence_options.export_keys = options.export_keys;
    if (options.capture) lab::prepare_key_export(profile, evidence_options, lab_options);
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

    auto lab = lab::LabServices::start(profile, manifest, lab_options,
                                       [](const lab::LabEvent& event) { say(lab::to_string(event)); });
    if (!lab.ok()) {
        std::cerr << "hnbsec lab up: " << lab.error().message() << "\n";
        return kExitFailure;
    }
    {
        const std::lock_guard lock(output_mutex);
        std::cout << (*lab)->describe() << std::flush;
    }
    const auto& plan = (*lab)->plan();
    // The capture starts before the DUT: its first packet is evidence too.
    std::unique_ptr<lab::CaseRecorder> recorder;
    if (options.capture) {
        auto started = lab::CaseRecorder::start(**lab, profile, evidence_options);
        if (!started.ok()) {
            std::cerr << "hnbsec lab up: capture: " << started.error().message() << "\n";
            (void)(*lab)->stop();
            return kExitFailure;
        }
        recorder = std::move(started).value();
        say("capture: ", plan.public_link, " in ", plan.public_ns,
            (profile.capture.filter.empty() ? "" : ", filter \"" + profile.capture.filter + "\""));
        recorder->capture().step("lab up; DUT: " + options.dut);
    }
    auto dut = start_dut(options, profile, manifest, plan);
    if (!dut.ok()) {
        std::cerr << "hnbsec lab up: DUT: " << dut.error().message() << "\n";
        if (recorder) report_evidence(*recorder);
        (void)(*lab)->stop();
        return kExitFailure;
    }
    say("ready: run ", plan.run_id.text(), ", DUT namespace ",
        (plan.dut_ns.empty() ? "(none: external DUT)" : plan.dut_ns), ", public namespace ", plan.public_ns,
        ", core namespace ", plan.core_ns);
    int signal = 0;
    sigwait(&stop_signals, &signal);
    say("stopping (signal ", signal, ")");
    if (recorder) recorder->capture().step("stopping: the DUT is stopped, then the lab");
    if (*dut) {
        if (auto stopped_dut = (*dut)->stop(); !stopped_dut.ok()) {
            std::cerr << "hnbsec lab up: stopping the DUT: " << stopped_dut.error().message() << "\n";
        }
    }
    const bool evidence_written = !recorder || report_evidence(*recorder);
    auto stopped = (*lab)->stop();
    if (!stopped.ok()) {
        std::cerr << "hnbsec lab up: teardown: " << stopped.error().message() << "\n";
        return kExitFailure;
    }
    say("stopped, network removed");
    return evidence_written ? kExitOk : kExitFailure;
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
    up->add_flag("!--no-capture", options->capture,
                 "Do not capture the DUT-facing link (default: capture into "
                 "hnbsec-out/runs/<run ID>/evidence/lab-up/capture.pcapng)");
    up->add_flag("--export-keys", options->export_keys,
                 "Opt-in: put the session keys into the evidence (Wireshark decryption tables, the H(e)MS's "
                 "TLS key log, and a Decryption Secrets Block in the pcapng)");
    up->add_option("--run-id", options->run_id,
                   "Run ID in the names of namespaces and links (default: random)");
    up->final_callback([&action, options] { action = [options] { return run_lab_up(*options); }; });
}

}  // namespace hnbsec::cli
