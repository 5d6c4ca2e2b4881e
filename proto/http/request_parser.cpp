#include "proto/http/request_parser.h"

#include <algorithm>
#include <charconv>

#include "proto/http/body_framing.h"

namespace hnbsec::http {

RequestParser::RequestParser(Limits limits) : framer_(limits, "HTTP request") {}

RequestParser::State RequestParser::feed(std::span<const std::uint8_t> bytes) {
    if (done_ || framer_.error_status() != 0) {
        framer_.append(bytes);
        return done_ ? State::kComplete : State::kError;
    }
    framer_.append(bytes);
    return step();
}

RequestParser::State RequestParser::feed(std::string_view bytes) {
    return feed(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

RequestParser::State RequestParser::step() {
    for (;;) {
        switch (framer_.advance()) {
            case detail::Framer::Step::kNeedMore:
                return State::kNeedMore;
            case detail::Framer::Step::kError:
                return State::kError;
            case detail::Framer::Step::kComplete:
                done_ = true;
                return State::kComplete;
            case detail::Framer::Step::kHead:
                if (!on_head()) return State::kError;
                break;
        }
    }
}

bool RequestParser::on_head() {
    // request-line = method SP request-target SP HTTP-version (RFC 9112 §3)
    std::string_view line = framer_.start_line();
    auto sp1 = line.find(' ');
    auto sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        framer_.fail(400, "request line '" + std::string(line.substr(0, 80)) +
                              "' is not 'method SP target SP version'");
        return false;
    }
    request_.method = std::string(line.substr(0, sp1));
    request_.target = std::string(line.substr(sp1 + 1, sp2 - sp1 - 1));
    request_.version = std::string(line.substr(sp2 + 1));
    if (!detail::is_token(request_.method)) {
        framer_.fail(400, "invalid method '" + request_.method.substr(0, 40) + "'");
        return false;
    }
    if (request_.target.empty()) {
        framer_.fail(400, "empty request target");
        return false;
    }
    if (request_.version != "HTTP/1.1" && request_.version != "HTTP/1.0") {
        bool http = request_.version.rfind("HTTP/", 0) == 0;
        framer_.fail(http ? 505 : 400, "unsupported version '" + request_.version.substr(0, 40) + "'");
        return false;
    }
    auto expect = find_header(framer_.headers(), "Expect");
    if (expect) {
        if (!equals_ignore_case(*expect, "100-continue")) {
            framer_.fail(417, "unsupported expectation '" + std::string(expect->substr(0, 40)) + "'");
            return false;
        }
        expect_continue_ = true;
    }
    auto framing = detail::request_body_framing(framer_.headers(), framer_.limits());
    if (!framing.ok()) {
        framer_.fail(framing.status, framing.message);
        return false;
    }
    framer_.set_body(framing.mode, framing.length);
    return true;
}

Request RequestParser::take() {
    request_.headers = framer_.take_headers();
    request_.body = framer_.take_body();
    Request out = std::move(request_);
    request_ = Request{};
    framer_.reset();
    expect_continue_ = false;
    done_ = false;
    return out;
}

RequestParser::State RequestParser::finish() {
    if (done_) return State::kComplete;
    if (framer_.error_status() != 0) return State::kError;
    return framer_.finish() == detail::Framer::Step::kComplete ? State::kComplete : State::kError;
}

}  // namespace hnbsec::http
