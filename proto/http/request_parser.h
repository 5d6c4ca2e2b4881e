#pragma once
// Incremental HTTP/1.1 request parser for our servers (RFC 9112). Feed bytes as they
// arrive; kComplete hands out one Request and keeps any pipelined surplus for the
// next. A malformed request ends in kError with the status to answer (400, 413, 431,
// 501, 505) and a message saying what was wrong and where.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "proto/http/framer.h"
#include "proto/http/message.h"

namespace hnbsec::http {

class RequestParser {
public:
    explicit RequestParser(Limits limits = {});

    enum class State { kNeedMore, kComplete, kError };

    // May be called repeatedly. After take(), call feed({}) to parse bytes of a
    // pipelined next request that are already buffered.
    State feed(std::span<const std::uint8_t> bytes);
    State feed(std::string_view bytes);
    // After kComplete; the parser resets for the next request (keep-alive).
    Request take();
    // The connection ended; kError unless no byte of a next request had arrived.
    State finish();

    const std::string& error() const { return framer_.error(); }
    int error_status() const { return framer_.error_status(); }
    // True once the current request's head carried "Expect: 100-continue" and its body
    // is still missing: the server should answer "100 Continue" (RFC 9110 §10.1.1).
    bool expect_continue() const { return expect_continue_ && !framer_.complete(); }
    bool head_complete() const { return framer_.head_done(); }
    // Bytes received but not consumed yet (nothing of a next request: 0).
    std::size_t buffered() const { return framer_.buffered(); }

private:
    State step();
    bool on_head();

    detail::Framer framer_;
    Request request_;
    bool expect_continue_ = false;
    bool done_ = false;
};

}  // namespace hnbsec::http
