#include "emulator/services/acs_reply.h"

#include <type_traits>
#include <variant>

#include "emulator/services/cwmp_messages.h"
#include "proto/cwmp/envelope.h"

namespace hnbsec::emulator {
namespace {

// The RPCs an ACS sends to a CPE (TR-069 A.3.2); everything else in the body of an
// HTTP response is out of place.
bool is_acs_request(const cwmp::Rpc& rpc) {
    return std::visit(
        [](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            return std::is_same_v<T, cwmp::GetParameterValues> ||
                   std::is_same_v<T, cwmp::SetParameterValues> || std::is_same_v<T, cwmp::Reboot> ||
                   std::is_same_v<T, cwmp::FactoryReset> || std::is_same_v<T, cwmp::Download>;
        },
        rpc);
}

std::string describe(const cwmp::Rpc& rpc) {
    if (const auto* fault = std::get_if<cwmp::Fault>(&rpc)) {
        return "a SOAP Fault (CWMP fault " + std::to_string(fault->cwmp.fault_code) + " " +
               fault->cwmp.fault_string + ")";
    }
    return std::string("a cwmp:") + cwmp::rpc_name(rpc);
}

}  // namespace

std::string status_text(const http::Response& response) {
    return std::to_string(response.status) + " " +
           (response.reason.empty() ? std::string(http::reason_phrase(response.status)) : response.reason);
}

Status check_inform_reply(const http::Response& response) {
    if (response.status != 200) {
        std::string text = "the ACS answered the Inform with HTTP " + status_text(response);
        if (response.status == 401) text += " (HTTP authentication is not supported by this CPE)";
        return Error(text);
    }
    auto envelope = cwmp::decode_envelope(response.body);
    if (!envelope.ok()) return std::move(envelope).error().context("reading the ACS's answer to the Inform");
    if (!std::holds_alternative<cwmp::InformResponse>(envelope->rpc)) {
        return Error("the ACS answered the Inform with " + describe(envelope->rpc) +
                     ", not an InformResponse");
    }
    return Ok{};
}

Result<AcsTurn> next_acs_turn(const http::Response& response) {
    AcsTurn turn;
    if (response.status == 204 || (response.status == 200 && response.body.empty())) {
        turn.session_end = true;
        return turn;
    }
    if (response.status != 200) {
        return Error("the ACS answered the empty POST with HTTP " + status_text(response));
    }
    auto envelope = cwmp::decode_envelope(response.body);
    if (!envelope.ok()) return std::move(envelope).error().context("reading the ACS's request");
    if (!is_acs_request(envelope->rpc)) {
        return Error("the ACS sent " + describe(envelope->rpc) +
                     " where a request or the session end belongs");
    }
    turn.request_name = cwmp::rpc_name(envelope->rpc);
    turn.answer = cwmp::encode_envelope(make_method_not_supported(*envelope));
    return turn;
}

}  // namespace hnbsec::emulator
