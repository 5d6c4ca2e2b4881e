#include "harness/lab/emulated_lab_fixture.h"

#include <fstream>
#include <sstream>

#include "harness/lab/pki_setup.h"
#include "harness/profile/load.h"

#ifndef HNBSEC_SOURCE_DIR
#error "HNBSEC_SOURCE_DIR must name the source tree (the shipped profile lives there)"
#endif

namespace hnbsec::lab::testing {
namespace {

template <typename T>
const T* segw_detail(const LabEvent& event) {
    const auto* segw = std::get_if<segw::SegwEvent>(&event.detail);
    return segw != nullptr ? std::get_if<T>(segw) : nullptr;
}

template <typename T>
const T* ike_detail(const LabEvent& event) {
    const auto* ike_event = segw_detail<ike::Event>(event);
    return ike_event != nullptr ? std::get_if<T>(ike_event) : nullptr;
}

}  // namespace

Result<LabMaterial> make_lab_material(const std::filesystem::path& dir) {
    const auto source = std::filesystem::path(HNBSEC_SOURCE_DIR) / "fixtures/profiles/emulated.toml";
    auto loaded = profile::load_profile(source);
    if (!loaded.ok()) return Error("the shipped emulated profile does not load: " + source.string());
    LabMaterial material{dir, *loaded.profile, {}};
    material.profile.pki.dir = dir / "pki";
    material.profile.hsm.softhsm_dir = dir / "token";
    PkiSetupRequest request;
    request.profile = &material.profile;
    request.out_dir = material.profile.pki.dir;
    request.force = true;
    auto pki = set_up_pki(request);
    if (!pki.ok()) return std::move(pki).error();
    material.manifest = std::move(pki).value().manifest;
    return material;
}

Result<std::unique_ptr<EmulatedLab>> EmulatedLab::start(const LabMaterial& material,
                                                        const EmulatedLabOptions& options,
                                                        const std::filesystem::path& run_dir) {
    std::unique_ptr<EmulatedLab> lab(new EmulatedLab());
    auto* timeline = &lab->timeline_;
    CaseEvidenceOptions evidence;
    evidence.test_case = run_dir.filename().string();
    evidence.dir = run_dir / "evidence";
    evidence.export_keys = options.export_keys;
    LabOptions lab_options = options.lab;
    if (options.capture) prepare_key_export(material.profile, evidence, lab_options);
    auto services = LabServices::start(material.profile, material.manifest, lab_options,
                                       [timeline](const LabEvent& event) { timeline->publish(event); });
    if (!services.ok()) return std::move(services).error();
    lab->services_ = std::move(services).value();
    if (options.capture) {
        HNBSEC_TRY(lab->recorder_, CaseRecorder::start(*lab->services_, material.profile, evidence));
    }

    dut::EmulatedDutOptions dut_options;
    dut_options.run_dir = run_dir;
    dut_options.config.defects = options.defects;
    dut_options.config.ocsp_required = options.ocsp_required;
    dut_options.config.ocsp_request = options.ocsp_request;
    auto dut =
        dut::EmulatedDut::create(material.profile, material.manifest, lab->services_->plan(), dut_options);
    if (!dut.ok()) return std::move(dut).error();
    lab->dut_ = std::move(dut).value();
    if (options.start_dut) HNBSEC_CHECK(lab->start_dut());
    return lab;
}

Status EmulatedLab::start_dut() {
    auto started = dut_->start();
    if (!started.ok()) return std::move(started).error();
    if (started->outcome != dut::ActionOutcome::kDone)
        return Error("emulator did not start: " + started->detail);
    return Ok{};
}

EmulatedLab::~EmulatedLab() {
    (void)stop();
}

Result<pcap::CaseEvidence> EmulatedLab::finish_evidence() {
    if (!recorder_) return Error("this lab was started without a capture");
    if (!evidence_) {
        Status stopped = dut_ ? dut_->stop() : Status(Ok{});
        evidence_ = recorder_->finish();
        if (!stopped.ok() && evidence_->ok()) return std::move(stopped).error();
    }
    return *evidence_;
}

Status EmulatedLab::stop() {
    Status result = Ok{};
    if (dut_) {
        if (auto s = dut_->stop(); !s.ok()) result = std::move(s);
    }
    if (recorder_ && !evidence_) {
        if (auto e = finish_evidence(); !e.ok() && result.ok()) result = std::move(e).error();
    }
    if (services_) {
        if (auto s = services_->stop(); !s.ok() && result.ok()) result = std::move(s);
    }
    return result;
}

std::string EmulatedLab::console_log() const {
    if (!dut_) return {};
    std::ifstream in(dut_->files().console_log);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

bool is_ike_established(const LabEvent& event) {
    return ike_detail<ike::IkeSaEstablished>(event) != nullptr;
}

bool is_child_sa_up(const LabEvent& event) {
    return ike_detail<ike::ChildSaUp>(event) != nullptr;
}

bool is_ocsp_staple_sent(const LabEvent& event) {
    return ike_detail<ike::OcspStapleSent>(event) != nullptr;
}

bool is_ike_delete_from_device(const LabEvent& event) {
    const auto* deleted = ike_detail<ike::Deleted>(event);
    return deleted != nullptr && deleted->by_peer && deleted->which == ike::Deleted::Which::kIkeSa;
}

bool is_ntp_answered_inside_tunnel(const LabEvent& event) {
    const auto* ntp = std::get_if<timeserver::RequestEvent>(&event.detail);
    return ntp != nullptr && ntp->path == timeserver::Path::kInsideTunnel && ntp->answered;
}

bool is_inform_received(const LabEvent& event) {
    const auto* hems = std::get_if<hems::HemsEvent>(&event.detail);
    return hems != nullptr && hems->kind == hems::EventKind::kRpcReceived &&
           hems->detail.rfind("Inform", 0) == 0;
}

bool is_cwmp_session_end(const LabEvent& event) {
    const auto* hems = std::get_if<hems::HemsEvent>(&event.detail);
    return hems != nullptr && hems->kind == hems::EventKind::kSessionEnd;
}

bool is_liveness_confirmed(const LabEvent& event) {
    return ike_detail<ike::LivenessConfirmed>(event) != nullptr;
}

bool is_from_device(const LabEvent& event) {
    if (const auto* received = ike_detail<ike::MessageReceived>(event)) return received != nullptr;
    const auto* esp = segw_detail<segw::TunnelEvent>(event);
    return esp != nullptr && esp->direction == segw::TunnelEvent::Direction::kFromDevice;
}

}  // namespace hnbsec::lab::testing
