#include "harness/cli/segw_command.h"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/roles/segw/segw_service.h"

namespace hnbsec::cli {
namespace {

struct SegwCommandOptions {
    std::string profile;
    std::string pki;
    std::string listen;
    std::string certificate = "segw";
    std::string keys_out;
    std::uint16_t ike_port = 500;
    std::uint16_t natt_port = 4500;
    bool any_identity = false;
};

// "12:34:56.789": wall-clock time of day in UTC, for reading events beside a capture.
std::string timestamp() {
    const auto now = std::chrono::system_clock::now();
    const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    std::ostringstream text;
    text << std::put_time(&utc, "%H:%M:%S") << '.' << std::setw(3) << std::setfill('0') << millis;
    return text.str();
}

int run_segw(const SegwCommandOptions& options) {
    const auto profile = load_profile_or_report(
        options.profile.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.profile));
    if (!profile) return kExitFailure;
    const std::filesystem::path pki_dir =
        options.pki.empty() ? profile->pki.dir : std::filesystem::path(options.pki);
    auto manifest = pki::Manifest::load(pki_dir);
    if (!manifest.ok()) {
        std::cerr << "hnbsec segw: " << manifest.error().message()
                  << "\n(create a PKI with 'hnbsec pki init')\n";
        return kExitFailure;
    }

    segw::SegwOptions segw_options;
    if (!options.listen.empty()) segw_options.listen_address = options.listen;
    segw_options.certificate = options.certificate;
    segw_options.expect_profile_identity = !options.any_identity;
    auto setup = segw::segw_setup(*profile, *manifest, segw_options);
    if (!setup.ok()) {
        std::cerr << "hnbsec segw: " << setup.error().message() << "\n";
        return kExitFailure;
    }
    const std::string summary = setup->summary;

    segw::ServiceOptions service_options;
    service_options.ike_port = options.ike_port;
    service_options.natt_port = options.natt_port;
    if (!options.keys_out.empty()) service_options.keys_dir = options.keys_out;
    segw::SegwService service(std::move(*setup), service_options, [](const segw::SegwEvent& event) {
        std::cout << timestamp() << ' ' << segw::to_string(event) << std::endl;  // a line per event, flushed
    });
    if (auto bound = service.bind(); !bound.ok()) {
        std::cerr << "hnbsec segw: " << bound.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << timestamp() << " listening: " << summary << " ports " << options.ike_port << "/"
              << options.natt_port;
    if (service_options.keys_dir) std::cout << "; exporting keys to " << service_options.keys_dir->string();
    std::cout << std::endl;
    service.run();
    std::cout << timestamp() << " stopped" << std::endl;
    return kExitOk;
}

}  // namespace

void register_segw_command(CLI::App& app, Action& action) {
    auto options = std::make_shared<SegwCommandOptions>();
    auto* segw = app.add_subcommand(
        "segw", "Bring-up mode: run the SeGW (IKEv2 responder) until interrupted, printing every event");
    segw->add_option("--profile", options->profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    segw->add_option("--pki", options->pki, "PKI folder (default: [pki] dir of the profile)");
    segw->add_option("--listen", options->listen, "Address to listen on (default: pixit.segw_address)");
    segw->add_option("--certificate", options->certificate,
                     "SeGW certificate to present, by PKI name (segw, segw-ec, or a broken variant)");
    segw->add_option("--keys-out", options->keys_out,
                     "Export IKE and ESP keys as Wireshark decryption tables into this folder (opt-in)");
    segw->add_option("--ike-port", options->ike_port, "UDP port for IKE (default 500)");
    segw->add_option("--natt-port", options->natt_port, "UDP port for NAT-T (default 4500)");
    segw->add_flag("--any-identity", options->any_identity,
                   "Accept any device identity the certificate backs, not only the profile's DUT");
    segw->final_callback([&action, options] { action = [options] { return run_segw(*options); }; });
}

}  // namespace hnbsec::cli
