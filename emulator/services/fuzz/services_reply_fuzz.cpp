// libFuzzer target for what the emulated H(e)NB's service clients read from the network:
// NTP replies, the ACS's HTTP responses and the ACS URL of the configuration. The first
// octet picks the reader; the rest is the input. Beyond "never crashes, never reads out of
// bounds" (ASan, UBSan) it checks the contracts: an accepted NTP reply has stratum 1..15;
// an ACS request is answered with a Fault 9000 envelope that decodes and echoes its ID;
// a parsed URL has a host and a port.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <variant>

#include "emulator/services/acs_reply.h"
#include "emulator/services/cwmp_url.h"
#include "emulator/services/ntp_exchange.h"
#include "proto/cwmp/envelope.h"
#include "proto/http/response_parser.h"

namespace {

using namespace hnbsec;

void check(bool condition) {
    if (!condition) std::abort();
}

void ntp_reply(std::span<const std::uint8_t> bytes) {
    const ntp::SystemTime t1{std::chrono::seconds(1'795'000'000)};
    const ntp::Packet request = emulator::make_time_request(t1);
    for (bool check_origin : {true, false}) {
        auto sample = emulator::evaluate_time_reply(bytes, request, t1, check_origin);
        if (sample.ok()) check(sample->stratum >= 1 && sample->stratum <= 15);
    }
}

void acs_response(std::span<const std::uint8_t> bytes) {
    http::ResponseParser parser;
    auto state = parser.feed(bytes);
    if (state == http::ResponseParser::State::kNeedMore) state = parser.finish();
    if (state != http::ResponseParser::State::kComplete) return;
    const http::Response response = parser.take();
    static_cast<void>(emulator::check_inform_reply(response));
    auto turn = emulator::next_acs_turn(response);
    if (!turn.ok() || turn->session_end) return;
    auto request = cwmp::decode_envelope(response.body);
    auto answer = cwmp::decode_envelope(turn->answer);
    check(request.ok() && answer.ok());
    check(answer->id == request->id);
    const auto* fault = std::get_if<cwmp::Fault>(&answer->rpc);
    check(fault != nullptr && fault->cwmp.fault_code == 9000);
}

void acs_url(std::span<const std::uint8_t> bytes) {
    const std::string_view text(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    auto url = emulator::parse_cwmp_url(text);
    if (!url.ok()) return;
    check(!url->host.empty() && url->port != 0 && !url->target.empty() && url->target.front() == '/');
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const std::span<const std::uint8_t> input(data + 1, size - 1);
    switch (data[0] % 3) {
        case 0:
            ntp_reply(input);
            break;
        case 1:
            acs_response(input);
            break;
        default:
            acs_url(input);
            break;
    }
    return 0;
}
