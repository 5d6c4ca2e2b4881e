#include "proto/http/body_framing.h"

#include <string_view>

namespace hnbsec::http::detail {

namespace {

BodyFraming refuse(int status, std::string message) {
    BodyFraming f;
    f.status = status;
    f.message = std::move(message);
    return f;
}

// Content-Length = 1*DIGIT (RFC 9110 §8.6). Several fields (or a list) must agree,
// else the message is a smuggling attempt and refused (RFC 9112 §6.3 rule 5).
BodyFraming content_length(const std::vector<Header>& headers, const Limits& limits, bool& present) {
    present = false;
    std::size_t length = 0;
    for (const auto& h : headers) {
        if (!equals_ignore_case(h.name, "Content-Length")) continue;
        std::string_view list = h.value;
        while (true) {
            auto comma = list.find(',');
            auto item = list.substr(0, comma);
            while (!item.empty() && (item.front() == ' ' || item.front() == '\t')) item.remove_prefix(1);
            while (!item.empty() && (item.back() == ' ' || item.back() == '\t')) item.remove_suffix(1);
            if (item.empty()) return refuse(400, "empty Content-Length");
            std::size_t value = 0;
            for (char c : item) {
                if (c < '0' || c > '9')
                    return refuse(400,
                                  "Content-Length '" + std::string(item.substr(0, 40)) + "' is not a number");
                // Stop before overflow: anything above the limit is refused anyway.
                if (value > limits.max_body_bytes) break;
                value = value * 10 + static_cast<std::size_t>(c - '0');
            }
            if (value > limits.max_body_bytes) {
                return refuse(413, "Content-Length " + std::string(item.substr(0, 40)) +
                                       " exceeds the body limit of " + std::to_string(limits.max_body_bytes) +
                                       " bytes");
            }
            if (present && value != length) return refuse(400, "conflicting Content-Length values");
            present = true;
            length = value;
            if (comma == std::string_view::npos) break;
            list.remove_prefix(comma + 1);
        }
    }
    BodyFraming f;
    f.mode = BodyMode::kLength;
    f.length = length;
    return f;
}

// Transfer-Encoding: we implement only "chunked", which must be the final (and here
// the only) coding (RFC 9112 §6.1); anything else is 501 Not Implemented.
BodyFraming transfer_encoding(const std::vector<Header>& headers, bool& present) {
    present = false;
    for (const auto& h : headers) {
        if (!equals_ignore_case(h.name, "Transfer-Encoding")) continue;
        if (present) return refuse(501, "more than one Transfer-Encoding field");
        present = true;
        std::string_view value = h.value;
        if (!equals_ignore_case(value, "chunked")) {
            return refuse(501, "Transfer-Encoding '" + std::string(value.substr(0, 40)) +
                                   "' not implemented (only chunked)");
        }
    }
    BodyFraming f;
    f.mode = BodyMode::kChunked;
    return f;
}

BodyFraming framing(const std::vector<Header>& headers, const Limits& limits, BodyMode fallback) {
    bool chunked = false;
    auto te = transfer_encoding(headers, chunked);
    if (!te.ok()) return te;
    bool has_length = false;
    auto cl = content_length(headers, limits, has_length);
    if (!cl.ok()) return cl;
    // RFC 9112 §6.1: a sender must not send both; a server may reject such a message,
    // and we do: the pair is the classic request-smuggling vector.
    if (chunked && has_length) return refuse(400, "both Transfer-Encoding and Content-Length");
    if (chunked) return te;
    if (has_length) return cl;
    BodyFraming none;
    none.mode = fallback;
    return none;
}

}  // namespace

BodyFraming request_body_framing(const std::vector<Header>& headers, const Limits& limits) {
    return framing(headers, limits, BodyMode::kNone);
}

BodyFraming response_body_framing(const std::vector<Header>& headers, const Limits& limits) {
    return framing(headers, limits, BodyMode::kUntilClose);
}

}  // namespace hnbsec::http::detail
