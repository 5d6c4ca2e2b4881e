#include "proto/http/response_parser.h"

#include <gtest/gtest.h>

namespace hnbsec::http {
namespace {

using State = ResponseParser::State;

TEST(ResponseParser, ParsesContentLengthBody) {
    ResponseParser parser;
    ASSERT_EQ(
        parser.feed(
            "HTTP/1.1 200 OK\r\nContent-Type: application/ocsp-response\r\nContent-Length: 3\r\n\r\nabc"),
        State::kComplete);
    auto r = parser.take();
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.reason, "OK");
    EXPECT_EQ(r.body, "abc");
    EXPECT_EQ(r.header("CONTENT-TYPE"), "application/ocsp-response");
}

TEST(ResponseParser, BodyUntilCloseEndsWithFinish) {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.0 404 Not Found\r\n\r\nno such"), State::kNeedMore);
    ASSERT_EQ(parser.feed(" thing"), State::kNeedMore);
    ASSERT_EQ(parser.finish(), State::kComplete);
    auto r = parser.take();
    EXPECT_EQ(r.status, 404);
    EXPECT_EQ(r.body, "no such thing");
}

TEST(ResponseParser, InterimAndBodylessResponses) {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n"), State::kComplete);
    EXPECT_EQ(parser.take().status, 100);
    ASSERT_EQ(parser.feed(std::string_view()), State::kComplete);
    EXPECT_EQ(parser.take().status, 204);
}

TEST(ResponseParser, ChunkedAndHead) {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"),
              State::kComplete);
    EXPECT_EQ(parser.take().body, "ab");
    parser.set_request_method("HEAD");
    ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n"), State::kComplete);
    EXPECT_EQ(parser.take().body, "");
}

TEST(ResponseParser, RefusesBadStatusLine) {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.1 2x0 OK\r\n\r\n"), State::kError);
    EXPECT_NE(parser.error().find("status code"), std::string::npos);
    ResponseParser other;
    ASSERT_EQ(other.feed("SIP/2.0 200 OK\r\n\r\n"), State::kError);
}

TEST(ResponseParser, TruncatedBodyIsAnError) {
    ResponseParser parser;
    ASSERT_EQ(parser.feed("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nab"), State::kNeedMore);
    EXPECT_EQ(parser.finish(), State::kError);
}

}  // namespace
}  // namespace hnbsec::http
