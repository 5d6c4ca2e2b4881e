#pragma once
// The wire evidence of one test case in a running lab: a capture of the DUT-facing link
// (the public end of the backhaul, in the public namespace; for an external DUT the lab
// interface moved there) with the profile's [capture] filter, started before the DUT is
// stimulated, and at the end the case's evidence folder (pcap/capture/case_capture.h).
//
// Keys are evidence only on opt-in ([capture] export_keys or --export-keys): then the
// SeGW writes its Wireshark decryption tables into <dir>/keys, the H(e)MS's TLS key log
// goes to <dir>/keys/tls_keylog (mode 0600) and into the pcapng as a Decryption
// Secrets Block. Both must be asked for before the lab starts (prepare_key_export).
//
// This is the runner's seam: today the lab fixture's tests and `hnbsec lab up` use it.

#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "harness/lab/lab_services.h"
#include "harness/profile/profile.h"
#include "pcap/capture/case_capture.h"

namespace hnbsec::lab {

struct CaseEvidenceOptions {
    std::string test_case;      // the test case ID ("lab-up" for a bring-up)
    std::filesystem::path dir;  // the case's evidence folder
    bool export_keys = false;   // the opt-in; also true when the profile's [capture] says so
};

// What LabOptions need for the keys to be collected (no-op without the opt-in).
void prepare_key_export(const profile::Profile& profile, const CaseEvidenceOptions& options,
                        LabOptions& lab_options);

class CaseRecorder {
public:
    // Returns once packets on the link are being captured.
    static Result<std::unique_ptr<CaseRecorder>> start(const LabServices& lab,
                                                       const profile::Profile& profile,
                                                       const CaseEvidenceOptions& options);
    pcap::CaseCapture& capture() { return *capture_; }
    // Stops the capture and writes the evidence (with the keys on opt-in).
    Result<pcap::CaseEvidence> finish();

private:
    CaseRecorder(const LabServices& lab, CaseEvidenceOptions options,
                 std::unique_ptr<pcap::CaseCapture> capture)
        : lab_(lab), options_(std::move(options)), capture_(std::move(capture)) {}
    const LabServices& lab_;
    CaseEvidenceOptions options_;
    std::unique_ptr<pcap::CaseCapture> capture_;
};

}  // namespace hnbsec::lab
