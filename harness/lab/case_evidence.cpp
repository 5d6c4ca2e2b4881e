#include "harness/lab/case_evidence.h"

#include "pcap/keys/sa_key_export.h"

namespace hnbsec::lab {
namespace {

bool keys_wanted(const profile::Profile& profile, const CaseEvidenceOptions& options) {
    return options.export_keys || profile.capture.export_keys;
}

}  // namespace

void prepare_key_export(const profile::Profile& profile, const CaseEvidenceOptions& options,
                        LabOptions& lab_options) {
    if (!keys_wanted(profile, options)) return;
    lab_options.keys_dir = options.dir / "keys";
    lab_options.keep_tls_secrets = true;
}

Result<std::unique_ptr<CaseRecorder>> CaseRecorder::start(const LabServices& lab,
                                                          const profile::Profile& profile,
                                                          const CaseEvidenceOptions& options) {
    CaseEvidenceOptions effective = options;
    effective.export_keys = keys_wanted(profile, options);
    const auto& plan = lab.plan();
    pcap::CaseCaptureOptions capture;
    capture.interface = plan.public_link;
    capture.netns = plan.public_ns;
    capture.filter = profile.capture.filter;
    capture.snap_length = profile.capture.snap_length;
    capture.dir = options.dir;
    capture.hnbsec_version = HNBSEC_VERSION;
    capture.test_case = options.test_case;
    capture.profile_digest = profile.digest;
    HNBSEC_TRY(auto started, pcap::CaseCapture::start(capture));
    return std::unique_ptr<CaseRecorder>(new CaseRecorder(lab, std::move(effective), std::move(started)));
}

Result<pcap::CaseEvidence> CaseRecorder::finish() {
    pcap::CaseSecrets secrets;
    if (options_.export_keys) {
        secrets.tls_key_log = lab_.tls_key_log();
        if (!secrets.tls_key_log.empty()) {
            // Beside the SeGW's tables, readable by its owner only: it decrypts the sessions.
            std::error_code ec;
            std::filesystem::create_directories(options_.dir / "keys", ec);
            if (ec) return Error("cannot create " + (options_.dir / "keys").string() + ": " + ec.message());
            HNBSEC_CHECK(pcap::write_secret_file(options_.dir / "keys" / "tls_keylog", secrets.tls_key_log));
        }
    }
    return capture_->write_evidence(secrets);
}

}  // namespace hnbsec::lab
