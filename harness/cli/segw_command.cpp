#include "harness/cli/segw_command.h"

#include <algorithm>
#include <iostream>
#include <memory>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/roles/segw/segw_service.h"
#include "proto/ike/constants.h"
#include "proto/ike/sa/proposals.h"

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
    bool no_ocsp_staple = false;
    std::string device_revocation;  // empty: crl+ocsp when pixit.ocsp_url is set, else crl
    // Test knobs (ike::ResponderKnobs), for bring-up and for probing a device by hand.
    bool force_cookie = false;
    std::string answer_init;  // a notify name or number
    std::string answer_auth;
    int drop_response = 0;
    int duplicate_response = 0;
    int delay_response = 0;
    int response_delay_ms = 2000;
    std::size_t mtu = 0;
    std::vector<std::string> ike_proposals;
    std::vector<std::string> esp_proposals;
};

// "NO_PROPOSAL_CHOSEN" or "14" -> the notify type.
Result<ike::NotifyType> notify_from_text(const std::string& text) {
    if (!text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        const unsigned long value = std::stoul(text);
        if (value == 0 || value > 65535) return Error("notify type " + text + " is out of range 1..65535");
        return static_cast<ike::NotifyType>(value);
    }
    for (unsigned value = 1; value <= 65535; ++value) {
        const auto type = static_cast<ike::NotifyType>(value);
        if (ike::notify_type_name(type) == text) return type;
    }
    return Error("unknown notify type '" + text + "' (use a name like NO_PROPOSAL_CHOSEN, or a number)");
}

Status apply_knobs(const SegwCommandOptions& options, ike::IkeSaConfig& config) {
    ike::ResponderKnobs& knobs = config.knobs;
    knobs.force_cookie = options.force_cookie;
    if (!options.answer_init.empty()) {
        HNBSEC_TRY(knobs.ike_sa_init_error, notify_from_text(options.answer_init));
    }
    if (!options.answer_auth.empty()) {
        HNBSEC_TRY(knobs.ike_auth_error, notify_from_text(options.answer_auth));
    }
    knobs.drop_response_n = options.drop_response;
    knobs.duplicate_response_n = options.duplicate_response;
    knobs.delay_response_n = options.delay_response;
    knobs.response_delay = std::chrono::milliseconds(options.response_delay_ms);
    if (options.mtu != 0) knobs.force_fragment_mtu = options.mtu;
    auto parse = [](const std::vector<std::string>& texts, ike::ProposalProtocol protocol,
                    std::optional<std::vector<ike::ProposalSpec>>& out) -> Status {
        if (texts.empty()) return Ok{};
        out.emplace();
        for (const auto& text : texts) {
            auto spec = ike::parse_proposal(text, protocol);
            if (!spec.ok()) return Error("proposal '" + text + "': " + spec.error().message());
            out->push_back(*spec);
        }
        return Ok{};
    };
    HNBSEC_CHECK(parse(options.ike_proposals, ike::ProposalProtocol::kIke, knobs.ike_proposals));
    HNBSEC_CHECK(parse(options.esp_proposals, ike::ProposalProtocol::kEsp, knobs.esp_proposals));
    return Ok{};
}

int run_segw(const SegwCommandOptions& options) {
    auto loaded = load_profile_and_pki(options.profile, options.pki, "segw");
    if (!loaded) return kExitFailure;
    const auto& profile = loaded->profile;
    const auto& manifest = loaded->manifest;

    segw::SegwOptions segw_options;
    if (!options.listen.empty()) segw_options.listen_address = options.listen;
    segw_options.certificate = options.certificate;
    segw_options.expect_profile_identity = !options.any_identity;
    segw_options.ocsp_staple = !options.no_ocsp_staple;
    if (!options.device_revocation.empty()) {
        auto revocation = segw::parse_device_revocation(options.device_revocation);
        if (!revocation.ok()) {
            std::cerr << "hnbsec segw: " << revocation.error().message() << "\n";
            return kExitUsage;
        }
        segw_options.device_revocation = *revocation;
    }
    auto setup = segw::segw_setup(profile, manifest, segw_options);
    if (!setup.ok()) {
        std::cerr << "hnbsec segw: " << setup.error().message() << "\n";
        return kExitFailure;
    }
    if (auto knobs = apply_knobs(options, setup->config); !knobs.ok()) {
        std::cerr << "hnbsec segw: " << knobs.error().message() << "\n";
        return kExitUsage;
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
    segw->add_flag("--no-ocsp-staple", options->no_ocsp_staple,
                   "Do not answer CERTREQ(OCSP Content) with our certificate's OCSP response (RFC 4806)");
    segw->add_option("--device-revocation", options->device_revocation,
                     "How device certificates are checked for revocation: crl, ocsp, crl+ocsp or none "
                     "(default: crl+ocsp when the profile has pixit.ocsp_url, else crl). OCSP asks "
                     "pixit.ocsp_url, else the certificate's AIA; without a definite OCSP answer the device "
                     "is refused unless a CRL was checked")
        ->check(CLI::IsMember({"crl", "ocsp", "crl+ocsp", "none"}));
    segw->add_flag("--force-cookie", options->force_cookie,
                   "Answer every IKE_SA_INIT without a valid cookie with a COOKIE (RFC 7296 §2.6)");
    segw->add_option(
        "--answer-init", options->answer_init,
        "Answer IKE_SA_INIT with this error notify instead (name or number, e.g. NO_PROPOSAL_CHOSEN)");
    segw->add_option("--answer-auth", options->answer_auth,
                     "Answer IKE_AUTH with this error notify instead (e.g. AUTHENTICATION_FAILED)");
    segw->add_option("--drop-response", options->drop_response,
                     "Drop our N-th response of each IKE SA (1-based), to test the device's retransmission");
    segw->add_option("--duplicate-response", options->duplicate_response,
                     "Send our N-th response of each IKE SA twice");
    segw->add_option("--delay-response", options->delay_response,
                     "Hold the Nth response of every IKE SA (1-based) for --response-delay; retransmitted "
                     "requests meanwhile get no answer");
    segw->add_option("--response-delay", options->response_delay_ms,
                     "How long --delay-response holds its response, in milliseconds (default 2000)")
        ->check(CLI::Range(1, 600000));
    segw->add_option("--mtu", options->mtu, "Fragment our IKE messages (RFC 7383) to fit this IP MTU");
    segw->add_option(
        "--ike-proposal", options->ike_proposals,
        "Accept only these IKE proposals (strongSwan syntax, repeatable), e.g. aes128-sha256-modp2048");
    segw->add_option("--esp-proposal", options->esp_proposals,
                     "Accept only these ESP proposals (repeatable)");
    segw->final_callback([&action, options] { action = [options] { return run_segw(*options); }; });
}

}  // namespace hnbsec::cli
