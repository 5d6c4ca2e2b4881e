#pragma once
// How the CPE side reads the ACS's HTTP responses in a CWMP session (TR-069 §3.7.2):
// the Inform must be answered 200 with an InformResponse; each empty POST is answered
// either 204 / an empty 200 (the ACS has nothing more: the session ends, §3.7.2.4) or an
// ACS request that the CPE must answer in its next POST. Pure functions over decoded
// values, so the fuzz target can drive them with arbitrary responses.

#include <string>

#include "core/result.h"
#include "proto/http/message.h"

namespace hnbsec::emulator {

// 200 + a cwmp:InformResponse, else an error naming the status or what the body held.
Status check_inform_reply(const http::Response& response);

struct AcsTurn {
    bool session_end = false;  // 204 or 200 with an empty body
    std::string request_name;  // the ACS request's RPC name, when not the end
    std::string answer;        // our answer to it: a Fault 9000 envelope
};

// The ACS's answer to an empty POST (or to our answer to its previous request).
Result<AcsTurn> next_acs_turn(const http::Response& response);

// "401 Unauthorized", for errors.
std::string status_text(const http::Response& response);

}  // namespace hnbsec::emulator
