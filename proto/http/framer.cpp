#include "proto/http/framer.h"

#include <algorithm>
#include <string>

namespace hnbsec::http::detail {

namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::size_t kMaxChunkLine = 1024;  // size, extensions and CRLF of one chunk header

bool is_tchar(char c) {
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return true;
    return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Field values may hold visible characters, SP, HTAB and obs-text (RFC 9110 §5.5); any
// other control character (a lone CR or LF, NUL) is a smuggling risk and refused.
bool valid_value_char(char c) {
    auto u = static_cast<unsigned char>(c);
    return u == '\t' || (u >= 0x20 && u != 0x7f);
}

std::string_view trim_ows(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

bool is_token(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), is_tchar);
}

void Framer::append(std::span<const std::uint8_t> bytes) {
    // Reclaim consumed space before growing, so a long keep-alive session stays small.
    if (pos_ > 0 && pos_ >= buffer_.size() / 2) {
        buffer_.erase(0, pos_);
        pos_ = 0;
    }
    buffer_.append(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void Framer::consume(std::size_t n) {
    pos_ += n;
    consumed_ += n;
}

void Framer::fail(int status, std::string message) {
    phase_ = Phase::kError;
    error_status_ = status;
    error_ = what_ + ": " + std::move(message);
}

Framer::Step Framer::fail_step(int status, std::string message) {
    fail(status, std::move(message));
    return Step::kError;
}

void Framer::reset() {
    phase_ = Phase::kHead;
    consumed_ = 0;
    start_line_.clear();
    headers_.clear();
    body_.clear();
    remaining_ = 0;
    trailer_bytes_ = 0;
    error_.clear();
    error_status_ = 0;
}

void Framer::set_body(BodyMode mode, std::size_t length) {
    switch (mode) {
        case BodyMode::kNone:
            phase_ = Phase::kComplete;
            break;
        case BodyMode::kLength:
            remaining_ = length;
            phase_ = length == 0 ? Phase::kComplete : Phase::kLength;
            if (length > 0) body_.reserve(length);
            break;
        case BodyMode::kChunked:
            phase_ = Phase::kChunkSize;
            break;
        case BodyMode::kUntilClose:
            phase_ = Phase::kUntilClose;
            break;
    }
}

bool Framer::next_line(std::string_view& line, std::size_t max_length, std::string_view field) {
    auto rest = unread();
    auto end = rest.find(kCrlf);
    if (end == std::string_view::npos) {
        if (rest.size() > max_length)
            fail(400, std::string(field) + " longer than " + std::to_string(max_length) + " bytes");
        return false;
    }
    if (end > max_length) {
        fail(400, std::string(field) + " longer than " + std::to_string(max_length) + " bytes");
        return false;
    }
    line = rest.substr(0, end);
    return true;
}

Framer::Step Framer::advance() {
    for (;;) {
        switch (phase_) {
            case Phase::kHead:
                return parse_head();
            case Phase::kHeadDone:
                return Step::kHead;
            case Phase::kLength: {
                auto n = std::min(remaining_, buffered());
                body_.append(unread().substr(0, n));
                consume(n);
                remaining_ -= n;
                if (remaining_ > 0) return Step::kNeedMore;
                phase_ = Phase::kComplete;
                break;
            }
            case Phase::kChunkSize: {
                auto step = parse_chunk_size();
                if (step != Step::kComplete) return step;
                break;  // phase_ moved on
            }
            case Phase::kChunkData: {
                auto n = std::min(remaining_, buffered());
                body_.append(unread().substr(0, n));
                consume(n);
                remaining_ -= n;
                if (remaining_ > 0) return Step::kNeedMore;
                phase_ = Phase::kChunkEnd;
                break;
            }
            case Phase::kChunkEnd: {
                if (buffered() < 2) return Step::kNeedMore;
                if (unread().substr(0, 2) != kCrlf) {
                    return fail_step(400, "chunk data at offset " + std::to_string(consumed_) +
                                              " not followed by CRLF (chunk longer than its size?)");
                }
                consume(2);
                phase_ = Phase::kChunkSize;
                break;
            }
            case Phase::kTrailers: {
                auto step = parse_trailers();
                if (step != Step::kComplete) return step;
                break;
            }
            case Phase::kUntilClose: {
                if (body_.size() + buffered() > limits_.max_body_bytes) {
                    return fail_step(413,
                                     "body exceeds " + std::to_string(limits_.max_body_bytes) + " bytes");
                }
                body_.append(unread());
                consume(buffered());
                return Step::kNeedMore;
            }
            case Phase::kComplete:
                return Step::kComplete;
            case Phase::kError:
                return Step::kError;
        }
    }
}

Framer::Step Framer::finish() {
    switch (phase_) {
        case Phase::kUntilClose:
            advance();
            if (phase_ == Phase::kError) return Step::kError;
            phase_ = Phase::kComplete;
            return Step::kComplete;
        case Phase::kComplete:
            return Step::kComplete;
        case Phase::kError:
            return Step::kError;
        case Phase::kHead:
            if (buffered() == 0 && consumed_ == 0) return fail_step(400, "connection closed before any byte");
            return fail_step(400, "connection closed inside the header section after " +
                                      std::to_string(buffered()) + " bytes");
        default:
            return fail_step(
                400,
                "connection closed inside the body after " + std::to_string(body_.size()) + " bytes" +
                    (phase_ == Phase::kLength ? " (" + std::to_string(remaining_) + " more announced)" : ""));
    }
}

Framer::Step Framer::parse_head() {
    // RFC 9112 §2.2: a server SHOULD ignore empty lines before the request line
    // (clients that send CRLF after a POST body).
    while (unread().substr(0, 2) == kCrlf) consume(2);
    auto rest = unread();
    auto end = rest.find("\r\n\r\n");
    if (end == std::string_view::npos) {
        if (rest.size() > limits_.max_header_bytes) {
            return fail_step(431, "header section exceeds " + std::to_string(limits_.max_header_bytes) +
                                      " bytes without its terminating empty line");
        }
        return Step::kNeedMore;
    }
    if (end + 4 > limits_.max_header_bytes) {
        return fail_step(431, "header section of " + std::to_string(end + 4) + " bytes exceeds " +
                                  std::to_string(limits_.max_header_bytes));
    }
    auto head = rest.substr(0, end + 2);  // every line with its CRLF
    std::size_t offset = 0;
    std::size_t line_number = 0;
    while (offset < head.size()) {
        auto eol = head.find(kCrlf, offset);
        auto line = head.substr(offset, eol - offset);
        ++line_number;
        auto where =
            "line " + std::to_string(line_number) + " (offset " + std::to_string(consumed_ + offset) + ")";
        offset = eol + 2;
        if (!std::all_of(line.begin(), line.end(), valid_value_char)) {
            return fail_step(400, where + ": control character (bare CR/LF or NUL) in the header section");
        }
        if (line.empty()) return fail_step(400, where + ": empty line inside the header section");
        if (line_number == 1) {
            start_line_ = std::string(line);
            continue;
        }
        if (line.front() == ' ' || line.front() == '\t') {
            // RFC 9112 §5.2: obsolete line folding; a server may reject it with 400.
            return fail_step(400, where + ": obsolete line folding (line starts with whitespace)");
        }
        auto colon = line.find(':');
        if (colon == std::string_view::npos) return fail_step(400, where + ": header field without ':'");
        auto name = line.substr(0, colon);
        if (!is_token(name)) {
            // RFC 9112 §5.1: no whitespace between field name and colon.
            return fail_step(400, where + ": invalid field name '" + std::string(name) + "'");
        }
        headers_.push_back(Header{std::string(name), std::string(trim_ows(line.substr(colon + 1)))});
    }
    consume(end + 4);
    phase_ = Phase::kHeadDone;
    return Step::kHead;
}

Framer::Step Framer::parse_chunk_size() {
    std::string_view line;
    if (!next_line(line, kMaxChunkLine, "chunk size line"))
        return phase_ == Phase::kError ? Step::kError : Step::kNeedMore;
    auto where = "chunk size line at offset " + std::to_string(consumed_);
    std::size_t size = 0;
    std::size_t digits = 0;
    while (digits < line.size() && hex_digit(line[digits]) >= 0) {
        // Refuse before the value can overflow or pass the body limit (RFC 9112 §7.1).
        if (size > (limits_.max_body_bytes >> 4) + 1) {
            return fail_step(413, where + ": chunk size exceeds the body limit of " +
                                      std::to_string(limits_.max_body_bytes) + " bytes");
        }
        size = size * 16 + static_cast<std::size_t>(hex_digit(line[digits]));
        ++digits;
    }
    if (digits == 0) return fail_step(400, where + ": no hexadecimal chunk size");
    auto ext = trim_ows(line.substr(digits));
    if (!ext.empty() && ext.front() != ';') return fail_step(400, where + ": garbage after the chunk size");
    if (size > limits_.max_body_bytes - body_.size()) {
        return fail_step(413, where + ": body exceeds " + std::to_string(limits_.max_body_bytes) + " bytes");
    }
    consume(line.size() + 2);
    remaining_ = size;
    phase_ = size == 0 ? Phase::kTrailers : Phase::kChunkData;
    return Step::kComplete;
}

Framer::Step Framer::parse_trailers() {
    // RFC 9112 §7.1.2: trailer fields, ended by an empty line. We read and drop them,
    // bounded like the header section.
    for (;;) {
        std::string_view line;
        auto budget = limits_.max_header_bytes - std::min(trailer_bytes_, limits_.max_header_bytes);
        if (!next_line(line, budget, "trailer section")) {
            if (phase_ == Phase::kError) error_status_ = 431;
            return phase_ == Phase::kError ? Step::kError : Step::kNeedMore;
        }
        trailer_bytes_ += line.size() + 2;
        consume(line.size() + 2);
        if (line.empty()) {
            phase_ = Phase::kComplete;
            return Step::kComplete;
        }
    }
}

}  // namespace hnbsec::http::detail
