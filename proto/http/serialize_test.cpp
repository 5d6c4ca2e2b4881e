#include "proto/http/serialize.h"

#include <gtest/gtest.h>

#include "proto/http/request_parser.h"
#include "proto/http/response_parser.h"

namespace hnbsec::http {
namespace {

TEST(Serialize, ResponseAddsContentLengthAndReason) {
    Response r;
    r.status = 404;
    r.headers = {{"Content-Type", "text/plain"}, {"Content-Length", "999"}};
    r.body = "gone";
    EXPECT_EQ(serialize(r),
              "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ngone");
}

TEST(Serialize, BodylessStatusHasNoLength) {
    Response r;
    r.status = 100;
    EXPECT_EQ(serialize(r), "HTTP/1.1 100 Continue\r\n\r\n");
}

TEST(Serialize, RequestRoundTripsThroughTheParser) {
    Request q{"POST", "/ocsp", "HTTP/1.1", {{"Host", "127.0.0.1"}}, std::string("\0\x01\x02", 3)};
    RequestParser parser;
    ASSERT_EQ(parser.feed(serialize(q)), RequestParser::State::kComplete);
    auto back = parser.take();
    EXPECT_EQ(back.body, q.body);
    EXPECT_EQ(back.header("content-length"), "3");
}

TEST(Serialize, ChunkedRequestAsGiven) {
    Request q{"POST", "/", "HTTP/1.1", {{"Transfer-Encoding", "chunked"}}, chunked("hello world", 4)};
    auto text = serialize(q);
    EXPECT_EQ(text.find("Content-Length"), std::string::npos);
    RequestParser parser;
    ASSERT_EQ(parser.feed(text), RequestParser::State::kComplete);
    EXPECT_EQ(parser.take().body, "hello world");
}

TEST(Serialize, ResponseRoundTrip) {
    Response r;
    r.headers = {{"X", "y"}};
    r.body = "abc";
    ResponseParser parser;
    ASSERT_EQ(parser.feed(serialize(r)), ResponseParser::State::kComplete);
    auto back = parser.take();
    EXPECT_EQ(back.body, "abc");
    EXPECT_EQ(back.status, 200);
}

}  // namespace
}  // namespace hnbsec::http
