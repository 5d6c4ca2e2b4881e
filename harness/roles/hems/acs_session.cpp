#include "harness/roles/hems/acs_session.h"

#include <type_traits>

namespace hnbsec::hems {
namespace {

bool blank(const std::string& body) {
    return body.find_first_not_of(" \t\r\n") == std::string::npos;
}

// TR-069 §3.4.1: "text/xml; charset=utf-8" for SOAP over HTTP.
http::Response xml_response(std::string body) {
    http::Response r;
    r.status = 200;
    r.headers.push_back({"Content-Type", "text/xml; charset=\"utf-8\""});
    r.body = std::move(body);
    return r;
}

std::string device_text(const cwmp::DeviceId& d) {
    return d.oui + "-" + d.serial_number;
}

}  // namespace

std::string describe(const cwmp::Envelope& envelope) {
    std::string out = cwmp::rpc_name(envelope.rpc);
    if (!envelope.id.empty()) out += " id=" + envelope.id;
    out += " cwmp-1-" + std::to_string(envelope.cwmp_minor);
    std::visit(
        [&out](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, cwmp::Inform>) {
                out += " device=" + device_text(m.device_id) + " manufacturer='" + m.device_id.manufacturer +
                       "' product=" + m.device_id.product_class + " events=[";
                for (std::size_t i = 0; i < m.events.size(); ++i) {
                    out += (i == 0 ? "" : ", ") + m.events[i].event_code;
                }
                out += "] parameters=" + std::to_string(m.parameters.size()) + " time=" + m.current_time;
            } else if constexpr (std::is_same_v<T, cwmp::TransferComplete>) {
                out += " command-key=" + m.command_key + " fault=" + std::to_string(m.fault.fault_code);
            } else if constexpr (std::is_same_v<T, cwmp::Fault>) {
                out += " fault=" + std::to_string(m.cwmp.fault_code) + " '" + m.cwmp.fault_string + "'";
            } else if constexpr (std::is_same_v<T, cwmp::GetParameterValuesResponse>) {
                out += " parameters=" + std::to_string(m.parameters.size());
            } else if constexpr (std::is_same_v<T, cwmp::GetParameterValues>) {
                for (const auto& n : m.names) out += " " + n;
            } else if constexpr (std::is_same_v<T, cwmp::SetParameterValuesResponse> ||
                                 std::is_same_v<T, cwmp::DownloadResponse>) {
                out += " status=" + std::to_string(m.status);
            } else if constexpr (std::is_same_v<T, cwmp::Download>) {
                out += " file-type='" + m.file_type + "' url=" + m.url;
            }
        },
        envelope.rpc);
    return out;
}

AcsSession::AcsSession(RpcQueue& queue, SessionKnobs knobs, Emit emit)
    : queue_(queue), knobs_(std::move(knobs)), emit_(std::move(emit)) {}

AcsSession::Reply AcsSession::on_request(const http::Request& request) {
    ++requests_;
    if (knobs_.drop_at_request > 0 && requests_ == knobs_.drop_at_request) {
        emit_(EventKind::kKnob, "dropping the connection at request " + std::to_string(requests_));
        state_ = State::kEnded;
        emit_(EventKind::kSessionEnd, "dropped by the harness (knob)");
        return Reply{{}, true, true};
    }
    if (state_ == State::kEnded) state_ = State::kAwaitInform;  // a new session on a kept-alive connection
    if (request.method != "POST") {
        emit_(EventKind::kHttpRequest, request.method + " " + request.target);
        http::Response r;
        r.status = 405;
        r.headers.push_back({"Allow", "POST"});
        return Reply{std::move(r), false, false};
    }
    if (knobs_.redirect_to && state_ == State::kAwaitInform) {
        emit_(EventKind::kKnob, "redirecting to " + *knobs_.redirect_to);
        http::Response r;
        r.status = 302;
        r.headers.push_back({"Location", *knobs_.redirect_to});
        state_ = State::kEnded;
        emit_(EventKind::kSessionEnd, "redirected");
        return Reply{std::move(r), true, false};
    }
    if (blank(request.body)) {
        emit_(EventKind::kHttpRequest, "empty POST " + request.target);
        if (state_ == State::kAwaitInform) return error(400, "empty POST before Inform (TR-069 §3.7.1.1)");
        return next_rpc_or_end();
    }
    auto envelope = cwmp::decode_envelope(request.body);
    if (!envelope.ok()) return error(400, envelope.error().what());
    emit_(EventKind::kRpcReceived, describe(*envelope));
    return on_envelope(*envelope);
}

AcsSession::Reply AcsSession::on_envelope(const cwmp::Envelope& envelope) {
    if (const auto* inform = std::get_if<cwmp::Inform>(&envelope.rpc)) {
        if (state_ != State::kAwaitInform) return error(400, "a second Inform in one session");
        device_ = inform->device_id;
        cwmp_minor_ = envelope.cwmp_minor;
        state_ = State::kInSession;
        return send(cwmp::InformResponse{1}, envelope.id);
    }
    if (state_ == State::kAwaitInform) {
        return error(400, std::string(cwmp::rpc_name(envelope.rpc)) + " before Inform (TR-069 §3.7.1.1)");
    }
    if (std::holds_alternative<cwmp::TransferComplete>(envelope.rpc)) {
        return send(cwmp::TransferCompleteResponse{}, envelope.id);
    }
    const bool cpe_answer = std::visit(
        [](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            return std::is_same_v<T, cwmp::GetParameterValuesResponse> ||
                   std::is_same_v<T, cwmp::SetParameterValuesResponse> ||
                   std::is_same_v<T, cwmp::RebootResponse> || std::is_same_v<T, cwmp::FactoryResetResponse> ||
                   std::is_same_v<T, cwmp::DownloadResponse> || std::is_same_v<T, cwmp::Fault>;
        },
        envelope.rpc);
    // The CPE answered our last RPC (or refused it with a Fault): hand out the next one.
    if (cpe_answer) return next_rpc_or_end();
    // A CPE-side request the ACS does not serve (TR-069 A.5: 8000 method not supported).
    return send(cwmp::Fault{"Server", "CWMP fault", {8000, "Method not supported"}}, envelope.id);
}

AcsSession::Reply AcsSession::next_rpc_or_end() {
    if (device_) {
        if (auto rpc = queue_.pop_for(*device_))
            return send(std::move(*rpc), "hems-" + std::to_string(++sent_));
    }
    state_ = State::kEnded;
    emit_(EventKind::kSessionEnd, "204 No Content (no more RPCs)");
    http::Response r;
    r.status = 204;
    return Reply{std::move(r), false, false};
}

AcsSession::Reply AcsSession::send(cwmp::Rpc rpc, const std::string& id) {
    cwmp::Envelope envelope{id, cwmp_minor_, false, std::move(rpc)};
    emit_(EventKind::kRpcSent, describe(envelope));
    return Reply{xml_response(cwmp::encode_envelope(envelope)), false, false};
}

AcsSession::Reply AcsSession::error(int status, const std::string& why) {
    emit_(EventKind::kProtocolError, why);
    state_ = State::kEnded;
    emit_(EventKind::kSessionEnd, "protocol error, HTTP " + std::to_string(status));
    http::Response r;
    r.status = status;
    r.headers.push_back({"Content-Type", "text/plain"});
    r.body = why + "\n";
    return Reply{std::move(r), true, false};
}

void AcsSession::on_connection_closed(const std::string& how) {
    if (state_ == State::kEnded) return;
    state_ = State::kEnded;
    emit_(EventKind::kSessionEnd, how);
}

}  // namespace hnbsec::hems
