#pragma once
// The framing both HTTP/1.1 parsers share (RFC 9112): find the header section, split
// it into a start line and fields, then collect the body by Content-Length, by chunked
// transfer coding (§7.1) or until the connection closes. Incremental: bytes are
// appended as they arrive, and advance() goes as far as they allow. Limits are
// checked before any length from the peer is trusted; bad bytes end in an error with
// an HTTP status and a message naming the place, never an exception.
// Internal to proto/http: RequestParser and ResponseParser decide the body mode.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "proto/http/message.h"

namespace hnbsec::http::detail {

enum class BodyMode { kNone, kLength, kChunked, kUntilClose };

class Framer {
public:
    enum class Step { kNeedMore, kHead, kComplete, kError };

    Framer(Limits limits, std::string_view what) : limits_(limits), what_(what) {}

    void append(std::span<const std::uint8_t> bytes);
    // Parses as far as the buffered bytes allow. kHead: the start line and fields are
    // ready and the owner must call set_body() before advancing again.
    Step advance();
    // The connection ended: completes a body read until close, else an error.
    Step finish();

    void set_body(BodyMode mode, std::size_t length = 0);
    void fail(int status, std::string message);

    const std::string& start_line() const { return start_line_; }
    const std::vector<Header>& headers() const { return headers_; }
    std::vector<Header> take_headers() { return std::move(headers_); }
    std::string take_body() { return std::move(body_); }
    bool head_done() const { return phase_ > Phase::kHead; }
    bool complete() const { return phase_ == Phase::kComplete; }
    const std::string& error() const { return error_; }
    int error_status() const { return error_status_; }
    const Limits& limits() const { return limits_; }
    // Bytes received but not yet consumed (the start of a pipelined next message).
    std::size_t buffered() const { return buffer_.size() - pos_; }
    // Bytes of the current message consumed so far (for offsets in errors).
    std::size_t consumed() const { return consumed_; }

    // Forgets the finished message, keeping surplus bytes for the next one.
    void reset();

private:
    enum class Phase {
        kHead,
        kHeadDone,
        kLength,
        kChunkSize,
        kChunkData,
        kChunkEnd,
        kTrailers,
        kUntilClose,
        kComplete,
        kError
    };

    Step parse_head();
    Step parse_chunk_size();
    Step parse_trailers();
    Step fail_step(int status, std::string message);
    // The next CRLF-terminated line without the CRLF, or npos-sized when incomplete.
    bool next_line(std::string_view& line, std::size_t max_length, std::string_view field);
    void consume(std::size_t n);
    std::string_view unread() const { return std::string_view(buffer_).substr(pos_); }

    Limits limits_;
    std::string what_;
    std::string buffer_;
    std::size_t pos_ = 0;
    std::size_t consumed_ = 0;
    Phase phase_ = Phase::kHead;
    std::string start_line_;
    std::vector<Header> headers_;
    std::string body_;
    std::size_t remaining_ = 0;      // body bytes still expected (length or current chunk)
    std::size_t trailer_bytes_ = 0;  // trailer section size, bounded like the header section
    std::string error_;
    int error_status_ = 0;
};

// RFC 9110 §5.6.2 token characters (field names, methods, transfer codings).
bool is_token(std::string_view text);

}  // namespace hnbsec::http::detail
