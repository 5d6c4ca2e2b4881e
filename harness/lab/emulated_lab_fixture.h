#pragma once
// Test support: a whole lab (harness/lab LabServices) with the emulated H(e)NB (harness/dut
// EmulatedDut) in its DUT namespace, built in a temporary folder from the shipped emulated
// profile: its own PKI and SoftHSM2 token, its own run ID, every role's events on one
// timeline. Used by the integration tests that prove the emulator boots against the
// harness and that each defect changes the wire.

#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/dut/emulated_dut.h"
#include "harness/lab/case_evidence.h"
#include "harness/lab/lab_services.h"
#include "harness/profile/profile.h"
#include "harness/timeline/timeline.h"

namespace hnbsec::lab::testing {

using LabTimeline = timeline::Timeline<LabEvent>;

// The PKI and token, made once per process (the slow part: keys on the token).
struct LabMaterial {
    std::filesystem::path dir;
    profile::Profile profile;
    pki::Manifest manifest;
};
Result<LabMaterial> make_lab_material(const std::filesystem::path& dir);

struct EmulatedLabOptions {
    LabOptions lab;
    std::vector<std::string> defects;   // switched on from boot
    std::optional<bool> ocsp_request;   // the device asks for a stapled OCSP answer (default: yes)
    std::optional<bool> ocsp_required;  // the device's soft/hard-fail policy (default: hard)
    bool start_dut = true;              // false: the caller starts it (after a capture, say)
    // Every lab is one test case: the DUT-facing link is captured from before the DUT
    // starts until stop(), into <run_dir>/evidence (test case: the run folder's name).
    bool capture = true;
    bool export_keys = false;  // the key-export opt-in for that evidence
};

class EmulatedLab {
public:
    // Starts the lab roles and, unless told otherwise, the emulator (not waiting for its boot).
    static Result<std::unique_ptr<EmulatedLab>> start(const LabMaterial& material,
                                                      const EmulatedLabOptions& options,
                                                      const std::filesystem::path& run_dir);
    ~EmulatedLab();
    Status start_dut();

    LabTimeline& timeline() { return timeline_; }
    dut::EmulatedDut& dut() { return *dut_; }
    LabServices& services() { return *services_; }
    // The test case's capture (null with capture = false): mark steps, cite packets.
    CaseRecorder* recorder() { return recorder_.get(); }
    // Stops the DUT, then writes the evidence (once; stop() does it too).
    Result<pcap::CaseEvidence> finish_evidence();
    // The emulator's console log so far (for failure messages).
    std::string console_log() const;
    Status stop();

private:
    EmulatedLab() = default;
    LabTimeline timeline_;
    std::unique_ptr<LabServices> services_;
    std::unique_ptr<CaseRecorder> recorder_;
    std::optional<Result<pcap::CaseEvidence>> evidence_;
    std::unique_ptr<dut::EmulatedDut> dut_;
};

// Predicates over lab events.
bool is_ike_established(const LabEvent& event);
bool is_child_sa_up(const LabEvent& event);
bool is_ocsp_staple_sent(const LabEvent& event);
bool is_ike_delete_from_device(const LabEvent& event);
bool is_ntp_answered_inside_tunnel(const LabEvent& event);
bool is_inform_received(const LabEvent& event);
bool is_cwmp_session_end(const LabEvent& event);
// The device answered the SeGW's liveness check (LabServices::check_liveness()).
bool is_liveness_confirmed(const LabEvent& event);
// Anything the device sent to the SeGW: an IKE message or an ESP packet.
bool is_from_device(const LabEvent& event);

}  // namespace hnbsec::lab::testing
