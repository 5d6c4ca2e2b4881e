// libFuzzer target for the HTTP request parser. Beyond "never crashes, never reads out
// of bounds" (ASan, UBSan) it checks the parser's contract: the same bytes fed whole
// or split at any point give the same requests and the same error; every parsed
// request re-serializes to bytes that parse back to the same request; the body never
// exceeds the limit. The first input byte picks the split point and small limits.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <vector>

#include "proto/http/request_parser.h"
#include "proto/http/serialize.h"

namespace {

using namespace hnbsec::http;

void check(bool condition) {
    if (!condition) std::abort();
}

struct Outcome {
    std::vector<Request> requests;
    int error_status = 0;
};

Outcome parse(std::span<const std::uint8_t> bytes, std::size_t split, const Limits& limits) {
    Outcome out;
    RequestParser parser(limits);
    auto consume = [&](RequestParser::State state) {
        while (state == RequestParser::State::kComplete) {
            out.requests.push_back(parser.take());
            check(out.requests.back().body.size() <= limits.max_body_bytes);
            state = parser.feed(std::span<const std::uint8_t>());
        }
        if (state == RequestParser::State::kError) {
            check(!parser.error().empty());
            check(parser.error_status() >= 400 && parser.error_status() < 600);
            out.error_status = parser.error_status();
        }
        return state;
    };
    split = std::min(split, bytes.size());
    if (consume(parser.feed(bytes.subspan(0, split))) == RequestParser::State::kError) return out;
    consume(parser.feed(bytes.subspan(split)));
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 1) return 0;
    Limits limits;
    if ((data[0] & 0x80) != 0) limits = Limits{256, 512};
    std::span<const std::uint8_t> bytes(data + 1, size - 1);
    auto whole = parse(bytes, bytes.size(), limits);
    auto split = parse(bytes, data[0] & 0x7f, limits);
    check(whole.requests == split.requests);
    check(whole.error_status == split.error_status);
    for (const auto& request : whole.requests) {
        // Our serializer frames by Content-Length: drop the peer's framing fields.
        Request plain = request;
        std::erase_if(plain.headers, [](const Header& h) {
            return equals_ignore_case(h.name, "Transfer-Encoding") ||
                   equals_ignore_case(h.name, "Content-Length");
        });
        auto text = serialize(plain);
        RequestParser again(Limits{limits.max_header_bytes + 64, limits.max_body_bytes});
        auto state = again.feed(text);
        check(state == RequestParser::State::kComplete);
        auto parsed = again.take();
        check(parsed.method == request.method && parsed.target == request.target &&
              parsed.body == request.body);
    }
    return 0;
}
