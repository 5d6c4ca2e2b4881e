#pragma once
// The harness side of a campaign, running: the network world of harness/net (DUT,
// public and core namespaces, the veth backhaul, the core TUN) with the roles placed in
// it — the SeGW in the public namespace on the profile's SeGW address, owning the core
// TUN as the far end of every device's tunnel; the time server in the core namespace on
// pixit.time_server_inner (reachable only through ESP) and, when the profile names one,
// on the public side too; the serving H(e)MS (TR-069 over mutual TLS) on the host of
// pixit.hems_serving_url in the core network, the initial one on the public side; the OCSP
// responder and the CRL server on the host and port of pixit.ocsp_url / crl_url. Services
// whose host is a DNS name are listed as not served (the lab network has no resolver).
// Every role reports into one event sink.
//
// `hnbsec lab up` runs it for bring-up; the runner will run test cases against it.
// Everything is taken down by stop() or the destructor; a killed run leaves namespaces
// that the next start's sweep removes.

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/net/network_plan.h"
#include "harness/profile/profile.h"
#include "harness/roles/crl/crl_server.h"
#include "harness/roles/hems/hems_event.h"
#include "harness/roles/http_server/request_event.h"
#include "harness/roles/ocsp/knobs.h"
#include "harness/roles/ocsp/ocsp_http.h"
#include "harness/roles/segw/segw_service.h"
#include "harness/roles/timeserver/knobs.h"
#include "harness/roles/timeserver/request_event.h"

namespace hnbsec::lab {

// One event of any role, with the role's name ("segw", "ntp", "hems", "ocsp", "crl", "http").
struct LabEvent {
    std::string role;
    std::variant<segw::SegwEvent, timeserver::RequestEvent, hems::HemsEvent, ocsp::OcspEvent, crl::CrlEvent,
                 http_server::RequestEvent>
        detail;
};
std::string to_string(const LabEvent& event);

struct LabOptions {
    std::string segw_certificate = "segw";
    std::optional<std::filesystem::path> keys_dir;  // opt-in Wireshark key export of the SeGW
    timeserver::ServerKnobs ntp_knobs;              // offset, wrong origin, KoD ... of the time server
    esp::LifetimeLimits esp_lifetime;               // the SeGW's Child SAs: past soft, rekey
    std::optional<std::string> run_id;              // default: a random one
    // Test knobs of the other roles (defaults: a conformant network).
    ocsp::Knobs staple_knobs;               // how the SeGW's RFC 4806 staple is made
    std::string hems_certificate = "hems";  // the H(e)MS certificate, by PKI name (both listeners)
    bool replay_esp_to_device = false;      // the SeGW sends every ESP packet to a device twice
    // Opt-in key export: the H(e)MS keeps its TLS secrets (NSS key log lines) for the
    // evidence, so Wireshark can decrypt the CWMP sessions. Off: no secret is kept.
    bool keep_tls_secrets = false;
};

class LabServices {
public:
    using EventSink = std::function<void(const LabEvent&)>;

    // Sweeps dead runs, builds the network, starts every role. On failure nothing is left.
    static Result<std::unique_ptr<LabServices>> start(const profile::Profile& profile,
                                                      const pki::Manifest& manifest,
                                                      const LabOptions& options, EventSink sink);
    ~LabServices();
    LabServices(const LabServices&) = delete;
    LabServices& operator=(const LabServices&) = delete;

    const net::NetworkPlan& plan() const;
    // What runs where, one fact per line (printed by `hnbsec lab up`).
    std::string describe() const;
    // Stops the roles and removes the network; collects every failure. Idempotent.
    Status stop();
    // The H(e)MS's TLS secrets so far, in NSS key log format; empty unless
    // LabOptions::keep_tls_secrets.
    std::string tls_key_log() const;
    // Stimulus: the SeGW sends a liveness check on every established IKE SA.
    void check_liveness();
    // Stimulus: the SeGW deletes every established IKE SA (a device must reconnect).
    void delete_ike_sas();

private:
    struct Running;
    explicit LabServices(std::unique_ptr<Running> running);
    static Status start_hems(const profile::Profile& profile, const pki::Manifest& manifest,
                             const LabOptions& options, Running& r);
    static Status start_pki_services(const profile::Profile& profile, const pki::Manifest& manifest,
                                     Running& r);
    std::unique_ptr<Running> running_;
};

}  // namespace hnbsec::lab
