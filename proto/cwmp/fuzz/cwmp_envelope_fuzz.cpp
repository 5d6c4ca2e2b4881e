// libFuzzer target for the CWMP envelope decoder, alone and behind the HTTP request parser
// (the path an H(e)MS takes for a POST). Beyond "never crashes" (ASan, UBSan) it checks the
// codec's contract on every input that decodes: encoding the value and decoding the result
// gives the same Envelope (the XML text itself need not come back byte for byte).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>

#include "proto/cwmp/envelope.h"
#include "proto/http/request_parser.h"

namespace {

void envelope_round_trip(std::string_view xml) {
    auto decoded = hnbsec::cwmp::decode_envelope(xml);
    if (!decoded.ok()) return;
    auto again = hnbsec::cwmp::decode_envelope(hnbsec::cwmp::encode_envelope(*decoded));
    if (!again.ok() || !(*again == *decoded)) std::abort();
}

// The input as the bytes of a connection: every complete request's body is an envelope.
void http_requests(std::span<const std::uint8_t> bytes) {
    hnbsec::http::RequestParser parser;
    auto state = parser.feed(bytes);
    for (int i = 0; i < 16 && state == hnbsec::http::RequestParser::State::kComplete; ++i) {
        const auto request = parser.take();
        envelope_round_trip(request.body);
        state = parser.feed(std::span<const std::uint8_t>());
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> bytes(data, size);
    envelope_round_trip(
        std::string_view(reinterpret_cast<const char*>(data), size));  // NOLINT: bytes as text
    http_requests(bytes);
    return 0;
}
