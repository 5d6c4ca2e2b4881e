#pragma once
// How the body of a message is delimited (RFC 9112 §6.3), decided from its header
// fields before a single body byte is read, with every announced length checked
// against the limits. Internal to proto/http.

#include <cstddef>
#include <string>
#include <vector>

#include "proto/http/framer.h"
#include "proto/http/message.h"

namespace hnbsec::http::detail {

struct BodyFraming {
    BodyMode mode = BodyMode::kNone;
    std::size_t length = 0;
    int status = 0;  // non-zero: refused with this HTTP status
    std::string message;
    bool ok() const { return status == 0; }
};

// For a request: chunked, a Content-Length, or no body (§6.3 rule 7).
BodyFraming request_body_framing(const std::vector<Header>& headers, const Limits& limits);
// For a response whose status allows a body: chunked, a Content-Length, or until close.
BodyFraming response_body_framing(const std::vector<Header>& headers, const Limits& limits);

}  // namespace hnbsec::http::detail
