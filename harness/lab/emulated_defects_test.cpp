// Each defect of the emulated H(e)NB changes the wire behaviour it names (issue 6, "Must
// show"): the emulator boots against the whole lab with one defect switched on, and the test
// shows what the harness saw change — in the IKE messages the SeGW decoded, in what the
// H(e)MS saw of the TLS handshake, in packets captured in clear on the backhaul, or in
// whether the device accepted a broken SeGW certificate. Where the change is "accepts what
// it must refuse", the same lab is run with the clean emulator too, which must refuse.
//
// One process (ONE_PROCESS): the PKI and token are made once.

#include <algorithm>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "emulator/defects/defect.h"
#include "harness/lab/emulated_lab_suite.h"
#include "harness/roles/ocsp/ca_directory.h"
#include "pcap/capture/live_capture.h"

namespace hnbsec::lab::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kBootTimeout = 60s;
constexpr auto kStepTimeout = 20s;

// ---- what the SeGW saw ---------------------------------------------------------------------

template <typename T>
const T* ike_detail(const LabEvent& event) {
    const auto* segw = std::get_if<segw::SegwEvent>(&event.detail);
    const auto* ike_event = segw != nullptr ? std::get_if<ike::Event>(segw) : nullptr;
    return ike_event != nullptr ? std::get_if<T>(ike_event) : nullptr;
}

// The device's first request of `exchange`, as the SeGW decoded it.
std::optional<ike::Message> device_request(LabTimeline& timeline, ike::ExchangeType exchange) {
    auto found = timeline.wait_for(
        0,
        [exchange](const LabEvent& e) {
            const auto* m = ike_detail<ike::MessageReceived>(e);
            return m != nullptr && m->is_request && m->exchange == exchange;
        },
        kBootTimeout);
    if (!found) return std::nullopt;
    return ike_detail<ike::MessageReceived>(found->event)->message;
}

template <typename Body>
std::vector<Body> bodies(const ike::Message& message, ike::PayloadType type) {
    std::vector<Body> out;
    for (const auto& p : message.payloads) {
        if (p.type == type) {
            if (const auto* body = p.as<Body>()) out.push_back(*body);
        }
    }
    return out;
}

bool has_certreq(const ike::Message& m, ike::CertEncoding encoding) {
    const auto reqs = bodies<ike::CertReq>(m, ike::PayloadType::kCertReq);
    return std::any_of(reqs.begin(), reqs.end(),
                       [encoding](const auto& r) { return r.encoding == encoding; });
}

bool has_notify(const ike::Message& m, ike::NotifyType type) {
    const auto notes = bodies<ike::Notify>(m, ike::PayloadType::kNotify);
    return std::any_of(notes.begin(), notes.end(), [type](const auto& n) { return n.type == type; });
}

const ike::Proposal* first_proposal(const ike::Message& m) {
    for (const auto& p : m.payloads) {
        if (const auto* sa = p.as<ike::Sa>(); sa != nullptr && !sa->proposals.empty())
            return &sa->proposals.front();
    }
    return nullptr;
}

bool proposal_has(const ike::Proposal& p, ike::TransformType type, std::uint16_t id) {
    return std::any_of(p.transforms.begin(), p.transforms.end(),
                       [&](const auto& t) { return t.type == type && t.id == id; });
}

bool proposal_has_type(const ike::Proposal& p, ike::TransformType type) {
    return std::any_of(p.transforms.begin(), p.transforms.end(),
                       [&](const auto& t) { return t.type == type; });
}

std::string idi_text(const ike::Message& m) {
    const auto ids = bodies<ike::Id>(m, ike::PayloadType::kIdi);
    return ids.empty() ? std::string() : std::string(ids.front().data.begin(), ids.front().data.end());
}

bool is_auth_failed_notify_from_device(const LabEvent& e) {
    const auto* n = ike_detail<ike::NotifyReceived>(e);
    return n != nullptr && n->type == ike::NotifyType::kAuthenticationFailed;
}

// The versions the ClientHello offered ("0304,0303"), from the H(e)MS's summary.
std::string offered_versions(const LabEvent& e) {
    const auto& detail = std::get<hems::HemsEvent>(e.detail).detail;
    const auto at = detail.find(" versions ");
    if (at == std::string::npos) return {};
    const auto begin = at + std::string(" versions ").size();
    return detail.substr(begin, detail.find(' ', begin) - begin);
}

bool is_client_hello(const LabEvent& e) {
    const auto* h = std::get_if<hems::HemsEvent>(&e.detail);
    return h != nullptr && h->kind == hems::EventKind::kClientHello;
}

bool is_client_certificate(const LabEvent& e) {
    const auto* h = std::get_if<hems::HemsEvent>(&e.detail);
    return h != nullptr && h->kind == hems::EventKind::kClientCertificate;
}

bool is_tls_failure(const LabEvent& e) {
    const auto* h = std::get_if<hems::HemsEvent>(&e.detail);
    return h != nullptr && h->kind == hems::EventKind::kTlsFailure;
}

// ---- fixture ---------------------------------------------------------------------------------

class EmulatedDefectsTest : public EmulatedLabSuite {
protected:
    // A lab with the emulator booting, `defects` on from boot.
    std::unique_ptr<EmulatedLab> boot(const std::vector<std::string>& defects,
                                      EmulatedLabOptions options = {}) {
        options.defects = defects;
        auto lab = EmulatedLab::start(*material_, options, run_dir());
        EXPECT_TRUE(lab.ok()) << lab.error().message();
        return lab.ok() ? std::move(lab).value() : nullptr;
    }

    // Whether the device, against a SeGW presenting `certificate`, brings its tunnel into
    // use (NTP answered inside ESP) or refuses the SeGW (AUTHENTICATION_FAILED notify).
    // Returns "tunnel used", "refused", or what happened instead. `with_ocsp` false: the
    // device asks for no stapled OCSP answer (the operator's responder cannot vouch for a
    // certificate from another CA, and that refusal is not what the defect is about).
    // Whether the device completes its Inform with an H(e)MS presenting `certificate`
    // (false: the TLS handshake failed first).
    bool inform_completes(const std::string& certificate, const std::vector<std::string>& defects) {
        EmulatedLabOptions options;
        options.lab.hems_certificate = certificate;
        auto lab = boot(defects, options);
        if (!lab) return false;
        const auto found = lab->timeline().wait_for(
            0, [](const LabEvent& e) { return is_inform_received(e) || is_tls_failure(e); }, kBootTimeout);
        EXPECT_TRUE(found) << lab->console_log();
        return found && is_inform_received(found->event);
    }

    struct Outcome {
        std::string verdict;
        std::string log;  // the emulator's console log, for the failure message
    };
    Outcome segw_certificate_outcome(const std::string& certificate, const std::vector<std::string>& defects,
                                     bool with_ocsp = true) {
        EmulatedLabOptions options;
        options.lab.segw_certificate = certificate;
        options.ocsp_request = with_ocsp;
        options.ocsp_required = with_ocsp;
        auto lab = boot(defects, options);
        if (!lab) return {"lab did not start", ""};
        const auto found = lab->timeline().wait_for(
            0,
            [](const LabEvent& e) {
                return is_ntp_answered_inside_tunnel(e) || is_auth_failed_notify_from_device(e);
            },
            kBootTimeout);
        if (!found) return {"neither within the timeout", lab->console_log()};
        return {is_ntp_answered_inside_tunnel(found->event) ? "tunnel used" : "refused", lab->console_log()};
    }
};

// Every defect of the emulator has its wire test in this file: a new defect needs one.
TEST(EmulatedDefectsCoverage, EveryDefectIsShownOnTheWire) {
    const std::vector<std::string_view> tested{"accept-untrusted-segw-cert",
                                               "skip-segw-identity-check",
                                               "accept-expired-segw-cert",
                                               "wrong-idi",
                                               "no-trust-anchor-certreq",
                                               "no-ocsp-certreq",
                                               "ignore-ocsp-revoked",
                                               "accept-unverified-ocsp",
                                               "weak-ike-proposal",
                                               "esp-null-integrity",
                                               "no-cp-request",
                                               "no-nat-detection",
                                               "ignore-liveness",
                                               "no-esp-replay-check",
                                               "request-transport-mode",
                                               "ntp-outside-tunnel",
                                               "traffic-before-auth",
                                               "cwmp-outside-tunnel",
                                               "cwmp-plain-http",
                                               "accept-tls10",
                                               "accept-untrusted-hems-cert",
                                               "skip-hems-hostname-check",
                                               "no-tls-client-cert",
                                               "ignore-hpm-removal",
                                               "ignore-integrity-failure",
                                               "skip-ntp-origin-check"};
    for (const auto& defect : emulator::all_defects()) {
        EXPECT_NE(std::find(tested.begin(), tested.end(), defect.name), tested.end())
            << defect.name << " has no wire test here";
    }
    EXPECT_EQ(tested.size(), emulator::all_defects().size());
}

// ---- IKE message contents: the clean boot against the defect's boot --------------------------

TEST_F(EmulatedDefectsTest, CleanBootBaseline) {
    auto lab = boot({});
    ASSERT_TRUE(lab);
    const auto init = device_request(lab->timeline(), ike::ExchangeType::kIkeSaInit);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(init && auth) << lab->console_log();
    EXPECT_TRUE(has_notify(*init, ike::NotifyType::kNatDetectionSourceIp));
    EXPECT_TRUE(has_certreq(*init, ike::CertEncoding::kX509Signature) ||
                has_certreq(*auth, ike::CertEncoding::kX509Signature));
    EXPECT_TRUE(has_certreq(*auth, ike::CertEncoding::kOcspContent));
    EXPECT_FALSE(bodies<ike::Cp>(*auth, ike::PayloadType::kCp).empty());
    EXPECT_FALSE(has_notify(*auth, ike::NotifyType::kUseTransportMode));
    EXPECT_EQ(idi_text(*auth), material_->profile.dut.identity);
    const auto* ike_proposal = first_proposal(*init);
    ASSERT_NE(ike_proposal, nullptr);
    EXPECT_FALSE(proposal_has(*ike_proposal, ike::TransformType::kEncr,
                              static_cast<std::uint16_t>(ike::EncrId::k3Des)));
    EXPECT_TRUE(lab->timeline().wait_for(0, is_inform_received, kBootTimeout)) << lab->console_log();
    const auto hello = lab->timeline().wait_for(0, is_client_hello, kStepTimeout);
    ASSERT_TRUE(hello);
    EXPECT_EQ(offered_versions(hello->event), "0304,0303");
    EXPECT_TRUE(lab->timeline().wait_for(0, is_client_certificate, kStepTimeout));
}

TEST_F(EmulatedDefectsTest, WeakIkeProposalOffers3DesMd5Modp1024First) {
    auto lab = boot({"weak-ike-proposal"});
    ASSERT_TRUE(lab);
    const auto init = device_request(lab->timeline(), ike::ExchangeType::kIkeSaInit);
    ASSERT_TRUE(init) << lab->console_log();
    const auto* p = first_proposal(*init);
    ASSERT_NE(p, nullptr);
    EXPECT_TRUE(proposal_has(*p, ike::TransformType::kEncr, static_cast<std::uint16_t>(ike::EncrId::k3Des)));
    EXPECT_TRUE(
        proposal_has(*p, ike::TransformType::kDh, static_cast<std::uint16_t>(ike::DhGroup::kModp1024)));
}

TEST_F(EmulatedDefectsTest, NoNatDetectionDropsTheNatDNotifies) {
    auto lab = boot({"no-nat-detection"});
    ASSERT_TRUE(lab);
    const auto init = device_request(lab->timeline(), ike::ExchangeType::kIkeSaInit);
    ASSERT_TRUE(init) << lab->console_log();
    EXPECT_FALSE(has_notify(*init, ike::NotifyType::kNatDetectionSourceIp));
    EXPECT_FALSE(has_notify(*init, ike::NotifyType::kNatDetectionDestinationIp));
}

TEST_F(EmulatedDefectsTest, NoTrustAnchorCertreq) {
    auto lab = boot({"no-trust-anchor-certreq"});
    ASSERT_TRUE(lab);
    const auto init = device_request(lab->timeline(), ike::ExchangeType::kIkeSaInit);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(init && auth) << lab->console_log();
    EXPECT_FALSE(has_certreq(*init, ike::CertEncoding::kX509Signature));
    EXPECT_FALSE(has_certreq(*auth, ike::CertEncoding::kX509Signature));
}

TEST_F(EmulatedDefectsTest, NoOcspCertreq) {
    auto lab = boot({"no-ocsp-certreq"});
    ASSERT_TRUE(lab);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(auth) << lab->console_log();
    EXPECT_FALSE(has_certreq(*auth, ike::CertEncoding::kOcspContent));
    EXPECT_FALSE(lab->timeline().wait_for(0, is_ocsp_staple_sent, 2s));
}

TEST_F(EmulatedDefectsTest, WrongIdiIsRefusedByTheSegw) {
    auto lab = boot({"wrong-idi"});
    ASSERT_TRUE(lab);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(auth) << lab->console_log();
    EXPECT_NE(idi_text(*auth), material_->profile.dut.identity);
    const auto result = lab->timeline().wait_for(
        0, [](const LabEvent& e) { return ike_detail<ike::AuthResult>(e) != nullptr; }, kStepTimeout);
    ASSERT_TRUE(result);
    EXPECT_FALSE(ike_detail<ike::AuthResult>(result->event)->ok);
}

TEST_F(EmulatedDefectsTest, EspNullIntegrityOfferedFirst) {
    auto lab = boot({"esp-null-integrity"});
    ASSERT_TRUE(lab);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(auth) << lab->console_log();
    const auto* p = first_proposal(*auth);
    ASSERT_NE(p, nullptr);
    EXPECT_EQ(p->protocol, ike::ProtocolId::kEsp);
    EXPECT_TRUE(
        proposal_has(*p, ike::TransformType::kEncr, static_cast<std::uint16_t>(ike::EncrId::kAesCbc)));
    EXPECT_FALSE(proposal_has_type(*p, ike::TransformType::kInteg));
}

TEST_F(EmulatedDefectsTest, NoCpRequest) {
    auto lab = boot({"no-cp-request"});
    ASSERT_TRUE(lab);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(auth) << lab->console_log();
    EXPECT_TRUE(bodies<ike::Cp>(*auth, ike::PayloadType::kCp).empty());
}

TEST_F(EmulatedDefectsTest, RequestTransportMode) {
    auto lab = boot({"request-transport-mode"});
    ASSERT_TRUE(lab);
    const auto auth = device_request(lab->timeline(), ike::ExchangeType::kIkeAuth);
    ASSERT_TRUE(auth) << lab->console_log();
    EXPECT_TRUE(has_notify(*auth, ike::NotifyType::kUseTransportMode));
}

// ---- broken SeGW certificates: the clean device refuses, the defect accepts ------------------

TEST_F(EmulatedDefectsTest, AcceptUntrustedSegwCert) {
    {
        const auto o = segw_certificate_outcome("segw-untrusted", {}, false);
        EXPECT_EQ(o.verdict, "refused") << o.log;
    }
    {
        const auto o = segw_certificate_outcome("segw-untrusted", {"accept-untrusted-segw-cert"}, false);
        EXPECT_EQ(o.verdict, "tunnel used") << o.log;
    }
}

TEST_F(EmulatedDefectsTest, AcceptExpiredSegwCert) {
    {
        const auto o = segw_certificate_outcome("segw-expired", {});
        EXPECT_EQ(o.verdict, "refused") << o.log;
    }
    {
        const auto o = segw_certificate_outcome("segw-expired", {"accept-expired-segw-cert"});
        EXPECT_EQ(o.verdict, "tunnel used") << o.log;
    }
}

TEST_F(EmulatedDefectsTest, SkipSegwIdentityCheck) {
    {
        const auto o = segw_certificate_outcome("segw-wrong-san", {});
        EXPECT_EQ(o.verdict, "refused") << o.log;
    }
    {
        const auto o = segw_certificate_outcome("segw-wrong-san", {"skip-segw-identity-check"});
        EXPECT_EQ(o.verdict, "tunnel used") << o.log;
    }
}

TEST_F(EmulatedDefectsTest, IgnoreOcspRevoked) {
    {
        const auto o = segw_certificate_outcome("segw-revoked", {});
        EXPECT_EQ(o.verdict, "refused") << o.log;
    }
    {
        const auto o = segw_certificate_outcome("segw-revoked", {"ignore-ocsp-revoked"});
        EXPECT_EQ(o.verdict, "tunnel used") << o.log;
    }
}

TEST_F(EmulatedDefectsTest, AcceptUnverifiedOcsp) {
    // The staple is signed by another CA's key: neither the CA nor a responder it authorised.
    auto outcome = [this](const std::vector<std::string>& defects) {
        EmulatedLabOptions options;
        options.lab.staple_knobs.signer = ocsp::SignerChoice::kOtherCa;
        auto lab = boot(defects, options);
        if (!lab) return std::string("lab did not start");
        const auto found = lab->timeline().wait_for(
            0,
            [](const LabEvent& e) {
                return is_ntp_answered_inside_tunnel(e) || is_auth_failed_notify_from_device(e);
            },
            kBootTimeout);
        if (!found) return "neither within the timeout:\n" + lab->console_log();
        return std::string(is_ntp_answered_inside_tunnel(found->event) ? "tunnel used" : "refused");
    };
    EXPECT_EQ(outcome({}), "refused");
    EXPECT_EQ(outcome({"accept-unverified-ocsp"}), "tunnel used");
}

TEST_F(EmulatedDefectsTest, IgnoreLivenessLeavesTheSegwsCheckUnanswered) {
    for (const bool defect : {false, true}) {
        auto lab = boot(defect ? std::vector<std::string>{"ignore-liveness"} : std::vector<std::string>{});
        ASSERT_TRUE(lab);
        auto ready = lab->dut().wait_ready(kBootTimeout);
        ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
        const auto mark = lab->timeline().mark();
        lab->services().check_liveness();
        // The SeGW's first retransmission comes after 500 ms: 3 s leaves room for an answer.
        const bool answered =
            lab->timeline()
                .wait_for(
                    mark, [](const LabEvent& e) { return ike_detail<ike::LivenessConfirmed>(e) != nullptr; },
                    3s)
                .has_value();
        EXPECT_EQ(answered, !defect) << lab->console_log();
    }
}

TEST_F(EmulatedDefectsTest, NoEspReplayCheckDeliversAReplayedPacketTwice) {
    // The SeGW sends every ESP packet to the device twice (same sequence number); a ping from
    // the core network then gets one echo reply from a conformant device, two without the
    // anti-replay window.
    for (const bool defect : {false, true}) {
        EmulatedLabOptions options;
        options.lab.replay_esp_to_device = true;
        auto lab = boot(defect ? std::vector<std::string>{"no-esp-replay-check"} : std::vector<std::string>{},
                        options);
        ASSERT_TRUE(lab);
        auto ready = lab->dut().wait_ready(kBootTimeout);
        ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
        auto status = lab->dut().command("status");
        ASSERT_TRUE(status.ok()) << status.error().message();
        const auto at = status->find("inner=");
        ASSERT_NE(at, std::string::npos) << *status;
        const auto inner = status->substr(at + 6, status->find(' ', at) - at - 6);
        const auto mark = lab->timeline().mark();
        const auto ping = "ip netns exec " + lab->services().plan().core_ns + " ping -c 1 -W 3 " + inner +
                          " >/dev/null 2>&1";
        EXPECT_EQ(std::system(ping.c_str()), 0) << ping;
        auto is_echo_reply = [](const LabEvent& e) {
            const auto* segw = std::get_if<segw::SegwEvent>(&e.detail);
            const auto* esp = segw != nullptr ? std::get_if<segw::TunnelEvent>(segw) : nullptr;
            return esp != nullptr && esp->direction == segw::TunnelEvent::Direction::kFromDevice &&
                   esp->summary.find("echo-reply") != std::string::npos;
        };
        std::size_t first = 0;
        ASSERT_TRUE(lab->timeline().wait_for(mark, is_echo_reply, kStepTimeout, &first))
            << lab->console_log();
        const bool second = lab->timeline().wait_for(first + 1, is_echo_reply, 2s).has_value();
        EXPECT_EQ(second, defect) << lab->console_log();
    }
}

TEST_F(EmulatedDefectsTest, SkipNtpOriginCheckTakesABogusTime) {
    // The time server answers with a wrong origin timestamp and a clock three years ahead. A
    // conformant device ignores the answer; one that takes it judges the SeGW certificate
    // expired by its clock when it reconnects (HPM out and in).
    for (const bool defect : {false, true}) {
        EmulatedLabOptions options;
        options.lab.ntp_knobs.wrong_origin = true;
        options.lab.ntp_knobs.offset = std::chrono::hours(24 * 365 * 3);
        auto lab = boot(
            defect ? std::vector<std::string>{"skip-ntp-origin-check"} : std::vector<std::string>{}, options);
        ASSERT_TRUE(lab);
        auto ready = lab->dut().wait_ready(kBootTimeout);
        ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
        ASSERT_TRUE(lab->dut().hpm_remove().ok());
        ASSERT_TRUE(lab->timeline().wait_for(0, is_ike_delete_from_device, kStepTimeout))
            << lab->console_log();
        const auto mark = lab->timeline().mark();
        ASSERT_TRUE(lab->dut().hpm_insert().ok());
        const auto found = lab->timeline().wait_for(
            mark,
            [](const LabEvent& e) {
                return is_ntp_answered_inside_tunnel(e) || is_auth_failed_notify_from_device(e);
            },
            kBootTimeout);
        ASSERT_TRUE(found) << lab->console_log();
        EXPECT_EQ(is_auth_failed_notify_from_device(found->event), defect) << lab->console_log();
    }
}

// ---- the H(e)MS link --------------------------------------------------------------------------

TEST_F(EmulatedDefectsTest, AcceptUntrustedHemsCert) {
    EXPECT_FALSE(inform_completes("hems-untrusted", {}));
    EXPECT_TRUE(inform_completes("hems-untrusted", {"accept-untrusted-hems-cert"}));
}

TEST_F(EmulatedDefectsTest, SkipHemsHostnameCheck) {
    EXPECT_FALSE(inform_completes("hems-wrong-host", {}));
    EXPECT_TRUE(inform_completes("hems-wrong-host", {"skip-hems-hostname-check"}));
}

TEST_F(EmulatedDefectsTest, AcceptTls10OffersTls10And11) {
    auto lab = boot({"accept-tls10"});
    ASSERT_TRUE(lab);
    const auto hello = lab->timeline().wait_for(0, is_client_hello, kBootTimeout);
    ASSERT_TRUE(hello) << lab->console_log();
    const auto versions = offered_versions(hello->event);
    EXPECT_NE(versions.find("0301"), std::string::npos) << versions;
    EXPECT_NE(versions.find("0302"), std::string::npos) << versions;
}

TEST_F(EmulatedDefectsTest, NoTlsClientCert) {
    auto lab = boot({"no-tls-client-cert"});
    ASSERT_TRUE(lab);
    EXPECT_TRUE(lab->timeline().wait_for(0, is_tls_failure, kBootTimeout)) << lab->console_log();
    EXPECT_FALSE(lab->timeline().wait_for(0, is_inform_received, 1s));
}

TEST_F(EmulatedDefectsTest, CwmpPlainHttp) {
    auto lab = boot({"cwmp-plain-http"});
    ASSERT_TRUE(lab);
    ASSERT_TRUE(lab->timeline().wait_for(0, is_ntp_answered_inside_tunnel, kBootTimeout))
        << lab->console_log();
    EXPECT_TRUE(lab->timeline().wait_for(0, is_tls_failure, kStepTimeout)) << lab->console_log();
    EXPECT_FALSE(lab->timeline().wait_for(0, is_client_hello, 1s));
}

// ---- HPM and TrE ------------------------------------------------------------------------------

TEST_F(EmulatedDefectsTest, IgnoreHpmRemovalKeepsTheIkeSa) {
    auto lab = boot({"ignore-hpm-removal"});
    ASSERT_TRUE(lab);
    auto ready = lab->dut().wait_ready(kBootTimeout);
    ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
    const auto mark = lab->timeline().mark();
    ASSERT_TRUE(lab->dut().hpm_remove().ok());
    // The clean device deletes within a second (emulated_boot_test); this one says nothing.
    EXPECT_FALSE(lab->timeline().wait_for(mark, is_ike_delete_from_device, 5s)) << lab->console_log();
}

TEST_F(EmulatedDefectsTest, IgnoreIntegrityFailureConnectsWithATamperedImage) {
    for (const bool defect : {false, true}) {
        auto lab =
            boot(defect ? std::vector<std::string>{"ignore-integrity-failure"} : std::vector<std::string>{});
        ASSERT_TRUE(lab);
        auto ready = lab->dut().wait_ready(kBootTimeout);
        ASSERT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
        const auto mark = lab->timeline().mark();
        auto tampered = lab->dut().load_tampered_image();
        ASSERT_TRUE(tampered.ok()) << tampered.error().message();
        const bool connected =
            lab->timeline().wait_for(mark, is_ike_established, defect ? kBootTimeout : 5s).has_value();
        EXPECT_EQ(connected, defect) << lab->console_log();
    }
}

// ---- traffic in clear on the backhaul ---------------------------------------------------------

// Captures, on the public end of the backhaul, what `filter` matches while the device boots
// with `defects`; returns the packets captured when `until` became true, then at the end.
struct ClearCount {
    std::uint64_t at_event = 0;
    std::uint64_t total = 0;
};

class EmulatedLeakTest : public EmulatedDefectsTest {
protected:
    std::string log_;  // the emulator's console log of the last run
    ClearCount clear_packets(const std::vector<std::string>& defects, const std::string& filter,
                             const LabTimeline::Predicate& until, const LabTimeline::Predicate& end) {
        EmulatedLabOptions lab_options;
        lab_options.start_dut = false;  // the capture must see the device's first packet
        auto lab = boot(defects, lab_options);
        if (!lab) return {};
        const auto& plan = lab->services().plan();
        pcap::LiveCaptureOptions options;
        options.interface = plan.public_link;
        options.netns = plan.public_ns;
        options.filter = filter;
        options.output = lab->dut().files().run_dir / "backhaul.pcapng";
        auto capture = pcap::LiveCapture::start(options);
        EXPECT_TRUE(capture.ok()) << capture.error().message();
        if (!capture.ok()) return {};
        auto started = lab->start_dut();
        EXPECT_TRUE(started.ok()) << started.error().message();
        ClearCount count;
        EXPECT_TRUE(lab->timeline().wait_for(0, until, kBootTimeout)) << lab->console_log();
        count.at_event = (*capture)->packets_written();
        EXPECT_TRUE(lab->timeline().wait_for(0, end, kBootTimeout)) << lab->console_log();
        // In service: every boot step, leaky ones included, has been tried.
        auto ready = lab->dut().wait_ready(kBootTimeout);
        EXPECT_TRUE(ready.ok() && ready->outcome == dut::ActionOutcome::kDone) << lab->console_log();
        auto stats = (*capture)->stop();
        EXPECT_TRUE(stats.ok());
        count.total = stats.ok() ? stats->packets_written : 0;
        log_ = lab->console_log();
        return count;
    }
};

constexpr const char* kClearNtp = "udp dst port 123";
constexpr const char* kClearCwmp = "tcp dst port 7547";

TEST_F(EmulatedLeakTest, NtpOutsideTunnel) {
    const auto clean = clear_packets({}, kClearNtp, is_ike_established, is_inform_received);
    EXPECT_EQ(clean.total, 0U);
    const auto leaky =
        clear_packets({"ntp-outside-tunnel"}, kClearNtp, is_ike_established,
                      [](const LabEvent& e) { return is_inform_received(e) || is_tls_failure(e); });
    EXPECT_EQ(leaky.at_event, 0U) << "NTP in clear before IKE is another defect";
    EXPECT_GT(leaky.total, 0U) << log_;
}

TEST_F(EmulatedLeakTest, TrafficBeforeAuth) {
    const auto leaky =
        clear_packets({"traffic-before-auth"}, kClearNtp, is_ike_established, is_inform_received);
    EXPECT_GT(leaky.at_event, 0U) << log_;
}

TEST_F(EmulatedLeakTest, CwmpOutsideTunnel) {
    const auto clean = clear_packets({}, kClearCwmp, is_ike_established, is_inform_received);
    EXPECT_EQ(clean.total, 0U);
    // The session cannot work in clear (the H(e)MS is only inside): the SYNs are the evidence.
    const auto leaky = clear_packets({"cwmp-outside-tunnel"}, kClearCwmp, is_ntp_answered_inside_tunnel,
                                     is_ntp_answered_inside_tunnel);
    EXPECT_GT(leaky.total, 0U) << log_;
}

}  // namespace
}  // namespace hnbsec::lab::testing
