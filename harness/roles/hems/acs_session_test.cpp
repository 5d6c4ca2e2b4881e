// The ACS session state machine: Inform -> InformResponse, queued RPCs one per POST, 204 at
// the end, TransferComplete, knobs, and protocol errors with their reason.

#include "harness/roles/hems/acs_session.h"

#include <gtest/gtest.h>

namespace hnbsec::hems {
namespace {

cwmp::Envelope inform_envelope(const std::string& event = "1 BOOT") {
    cwmp::Inform inform;
    inform.device_id = {"ACME", "0001A2", "FAP", "SN0001"};
    inform.events = {{event, ""}};
    inform.current_time = "2026-11-28T19:30:00Z";
    return cwmp::Envelope{"cpe-1", 2, false, inform};
}

http::Request post(std::string body) {
    http::Request r;
    r.method = "POST";
    r.target = "/cwmp";
    r.version = "HTTP/1.1";
    r.body = std::move(body);
    return r;
}

struct Recorder {
    std::vector<std::pair<EventKind, std::string>> events;
    AcsSession::Emit emit() {
        return [this](EventKind k, std::string d) { events.emplace_back(k, std::move(d)); };
    }
    bool saw(EventKind kind, const std::string& text) const {
        for (const auto& [k, d] : events) {
            if (k == kind && d.find(text) != std::string::npos) return true;
        }
        return false;
    }
};

cwmp::Envelope decode(const AcsSession::Reply& reply) {
    auto e = cwmp::decode_envelope(reply.response.body);
    EXPECT_TRUE(e.ok()) << reply.response.body;
    return e.ok() ? *e : cwmp::Envelope{};
}

TEST(AcsSession, InformThenQueuedRpcsThen204) {
    RpcQueue queue;
    queue.push(cwmp::GetParameterValues{{"Device.DeviceInfo.SoftwareVersion"}});
    queue.push(cwmp::Reboot{"r1"}, "OTHER-SERIAL");  // not for this device
    Recorder rec;
    AcsSession session(queue, {}, rec.emit());

    auto reply = session.on_request(post(cwmp::encode_envelope(inform_envelope())));
    EXPECT_EQ(reply.response.status, 200);
    const auto response = decode(reply);
    EXPECT_EQ(response.id, "cpe-1");
    EXPECT_EQ(response.cwmp_minor, 2);  // answers in the device's namespace
    EXPECT_TRUE(std::holds_alternative<cwmp::InformResponse>(response.rpc));
    EXPECT_TRUE(rec.saw(EventKind::kRpcReceived, "Inform id=cpe-1 cwmp-1-2 device=0001A2-SN0001"));
    EXPECT_TRUE(rec.saw(EventKind::kRpcReceived, "events=[1 BOOT]"));

    reply = session.on_request(post(""));
    const auto gpv = decode(reply);
    EXPECT_TRUE(std::holds_alternative<cwmp::GetParameterValues>(gpv.rpc));
    EXPECT_EQ(gpv.id, "hems-1");

    cwmp::GetParameterValuesResponse answer{{{"Device.DeviceInfo.SoftwareVersion", "4.2", "xsd:string"}}};
    reply = session.on_request(post(cwmp::encode_envelope(cwmp::Envelope{"hems-1", 2, false, answer})));
    EXPECT_EQ(reply.response.status, 204);
    EXPECT_EQ(session.state(), AcsSession::State::kEnded);
    EXPECT_TRUE(rec.saw(EventKind::kSessionEnd, "204"));
    EXPECT_EQ(queue.size(), 1U);
}

TEST(AcsSession, TransferCompleteIsAcknowledged) {
    RpcQueue queue;
    Recorder rec;
    AcsSession session(queue, {}, rec.emit());
    (void)session.on_request(post(cwmp::encode_envelope(inform_envelope("7 TRANSFER COMPLETE"))));
    cwmp::TransferComplete tc{"fw-1", {9019, "File authentication failure"}, "", ""};
    auto reply = session.on_request(post(cwmp::encode_envelope(cwmp::Envelope{"tc", 2, false, tc})));
    EXPECT_TRUE(std::holds_alternative<cwmp::TransferCompleteResponse>(decode(reply).rpc));
    EXPECT_TRUE(
        rec.saw(EventKind::kRpcReceived, "TransferComplete id=tc cwmp-1-2 command-key=fw-1 fault=9019"));
    EXPECT_EQ(session.on_request(post("")).response.status, 204);
}

TEST(AcsSession, ProtocolErrorsNameTheProblem) {
    RpcQueue queue;
    Recorder rec;
    AcsSession session(queue, {}, rec.emit());
    auto reply = session.on_request(post(""));
    EXPECT_EQ(reply.response.status, 400);
    EXPECT_TRUE(reply.close);
    EXPECT_TRUE(rec.saw(EventKind::kProtocolError, "empty POST before Inform"));

    AcsSession second(queue, {}, rec.emit());
    reply = second.on_request(post("<not-soap/>"));
    EXPECT_EQ(reply.response.status, 400);
    EXPECT_TRUE(rec.saw(EventKind::kProtocolError, "not a SOAP 1.1 Envelope"));
}

TEST(AcsSession, RedirectAndDropKnobs) {
    RpcQueue queue;
    Recorder rec;
    AcsSession redirect(queue, SessionKnobs{"http://hems.lab.test:7547/cwmp", 0}, rec.emit());
    auto reply = redirect.on_request(post(cwmp::encode_envelope(inform_envelope())));
    EXPECT_EQ(reply.response.status, 302);
    EXPECT_EQ(reply.response.header("Location"), "http://hems.lab.test:7547/cwmp");

    AcsSession drop(queue, SessionKnobs{std::nullopt, 2}, rec.emit());
    EXPECT_EQ(drop.on_request(post(cwmp::encode_envelope(inform_envelope()))).response.status, 200);
    EXPECT_TRUE(drop.on_request(post("")).drop);
    EXPECT_TRUE(rec.saw(EventKind::kSessionEnd, "dropped"));
}

}  // namespace
}  // namespace hnbsec::hems
