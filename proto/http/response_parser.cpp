#include "proto/http/response_parser.h"

#include "proto/http/body_framing.h"

namespace hnbsec::http {

ResponseParser::ResponseParser(Limits limits) : framer_(limits, "HTTP response") {}

ResponseParser::State ResponseParser::feed(std::span<const std::uint8_t> bytes) {
    framer_.append(bytes);
    if (done_) return State::kComplete;
    if (framer_.error_status() != 0) return State::kError;
    return step();
}

ResponseParser::State ResponseParser::feed(std::string_view bytes) {
    return feed(std::span(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()));
}

ResponseParser::State ResponseParser::step() {
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

bool ResponseParser::on_head() {
    // status-line = HTTP-version SP status-code SP [ reason-phrase ] (RFC 9112 §4)
    std::string_view line = framer_.start_line();
    auto sp = line.find(' ');
    if (sp == std::string_view::npos || line.substr(0, 5) != "HTTP/") {
        framer_.fail(400,
                     "status line '" + std::string(line.substr(0, 80)) + "' is not 'HTTP/x.y code reason'");
        return false;
    }
    response_.version = std::string(line.substr(0, sp));
    auto code = line.substr(sp + 1, 3);
    if (code.size() != 3 || code[0] < '1' || code[0] > '5' || code[1] < '0' || code[1] > '9' ||
        code[2] < '0' || code[2] > '9' || (line.size() > sp + 4 && line[sp + 4] != ' ')) {
        framer_.fail(400,
                     "status line '" + std::string(line.substr(0, 80)) + "' has no three-digit status code");
        return false;
    }
    response_.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
    response_.reason = line.size() > sp + 5 ? std::string(line.substr(sp + 5)) : std::string();
    // RFC 9112 §6.3 rule 1: 1xx, 204 and 304 (and any answer to HEAD) end with the header.
    if (head_request_ || response_.status < 200 || response_.status == 204 || response_.status == 304) {
        framer_.set_body(detail::BodyMode::kNone);
        return true;
    }
    auto framing = detail::response_body_framing(framer_.headers(), framer_.limits());
    if (!framing.ok()) {
        framer_.fail(framing.status, framing.message);
        return false;
    }
    framer_.set_body(framing.mode, framing.length);
    return true;
}

ResponseParser::State ResponseParser::finish() {
    if (done_) return State::kComplete;
    if (framer_.error_status() != 0) return State::kError;
    if (framer_.finish() != detail::Framer::Step::kComplete) return State::kError;
    done_ = true;
    return State::kComplete;
}

Response ResponseParser::take() {
    response_.headers = framer_.take_headers();
    response_.body = framer_.take_body();
    Response out = std::move(response_);
    response_ = Response{};
    framer_.reset();
    done_ = false;
    return out;
}

}  // namespace hnbsec::http
