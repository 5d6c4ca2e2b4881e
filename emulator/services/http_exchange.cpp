#include "emulator/services/http_exchange.h"

#include <array>

#include "proto/http/response_parser.h"
#include "proto/http/serialize.h"

namespace hnbsec::emulator {

Result<http::Response> http_exchange(ByteStream& stream, const http::Request& request, Deadline deadline) {
    auto sent = stream.write_all(http::serialize(request), deadline);
    if (!sent.ok()) return std::move(sent).error().context("sending the HTTP request");

    http::ResponseParser parser;
    parser.set_request_method(request.method);
    std::array<std::uint8_t, 8192> buffer{};
    http::ResponseParser::State state = http::ResponseParser::State::kNeedMore;
    for (;;) {
        if (state == http::ResponseParser::State::kNeedMore) {
            auto got = stream.read_some(buffer, deadline);
            if (!got.ok()) return std::move(got).error().context("reading the HTTP response");
            state = *got == 0 ? parser.finish() : parser.feed(std::span(buffer.data(), *got));
            if (*got == 0 && state != http::ResponseParser::State::kComplete) {
                return Error("the server closed the connection before the HTTP response was complete" +
                             (parser.error().empty() ? std::string() : ": " + parser.error()));
            }
        }
        if (state == http::ResponseParser::State::kError) {
            return Error("malformed HTTP response: " + parser.error());
        }
        if (state == http::ResponseParser::State::kComplete) {
            http::Response response = parser.take();
            if (response.status >= 200) return response;
            // 1xx interim: the final response follows, possibly already buffered.
            state = parser.buffered() > 0 ? parser.feed(std::string_view())
                                          : http::ResponseParser::State::kNeedMore;
        }
    }
}

}  // namespace hnbsec::emulator
