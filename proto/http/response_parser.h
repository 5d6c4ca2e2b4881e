#pragma once
// Incremental HTTP/1.1 response parser for our own clients (the emulated H(e)NB's
// OCSP and CWMP clients) and tests. Same pattern as RequestParser; a response without
// Content-Length or chunked coding runs until the connection closes: call finish().

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proto/http/framer.h"
#include "proto/http/message.h"

namespace hnbsec::http {

class ResponseParser {
public:
    explicit ResponseParser(Limits limits = {});

    enum class State { kNeedMore, kComplete, kError };

    // A response to HEAD has no body whatever its fields say (RFC 9110 §9.3.2).
    void set_request_method(std::string_view method) { head_request_ = method == "HEAD"; }

    State feed(std::span<const std::uint8_t> bytes);
    State feed(std::string_view bytes);
    // The connection closed: completes a body delimited by the close, else kError.
    State finish();
    // After kComplete (a 1xx interim response too); resets for the next response.
    Response take();

    const std::string& error() const { return framer_.error(); }
    int error_status() const { return framer_.error_status(); }
    std::size_t buffered() const { return framer_.buffered(); }

private:
    State step();
    bool on_head();

    detail::Framer framer_;
    Response response_;
    bool head_request_ = false;
    bool done_ = false;
};

}  // namespace hnbsec::http
