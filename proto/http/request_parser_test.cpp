#include "proto/http/request_parser.h"

#include <string>

#include <gtest/gtest.h>

namespace hnbsec::http {
namespace {

using State = RequestParser::State;

TEST(RequestParser, ParsesPostWithContentLength) {
    RequestParser parser;
    ASSERT_EQ(parser.feed("POST /ocsp HTTP/1.1\r\nHost: x\r\nContent-Type: application/ocsp-request\r\n"
                          "Content-Length: 5\r\n\r\nhello"),
              State::kComplete);
    auto r = parser.take();
    EXPECT_EQ(r.method, "POST");
    EXPECT_EQ(r.target, "/ocsp");
    EXPECT_EQ(r.version, "HTTP/1.1");
    EXPECT_EQ(r.body, "hello");
    EXPECT_EQ(r.header("content-type"), "application/ocsp-request");
    EXPECT_TRUE(r.keep_alive());
}

TEST(RequestParser, ByteByByteGivesTheSameRequest) {
    std::string text = "GET /crl/current.crl?x=1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n";
    RequestParser parser;
    for (std::size_t i = 0; i + 1 < text.size(); ++i)
        ASSERT_EQ(parser.feed(text.substr(i, 1)), State::kNeedMore);
    ASSERT_EQ(parser.feed(text.substr(text.size() - 1)), State::kComplete);
    auto r = parser.take();
    EXPECT_EQ(r.path(), "/crl/current.crl");
    EXPECT_TRUE(r.keep_alive());
}

TEST(RequestParser, KeepsPipelinedSurplus) {
    RequestParser parser;
    ASSERT_EQ(parser.feed("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\nConnection: close\r\n\r\nGE"),
              State::kComplete);
    EXPECT_EQ(parser.take().target, "/a");
    ASSERT_EQ(parser.feed(std::string_view()), State::kComplete);
    auto b = parser.take();
    EXPECT_EQ(b.target, "/b");
    EXPECT_FALSE(b.keep_alive());
    EXPECT_EQ(parser.feed(std::string_view()), State::kNeedMore);
    EXPECT_EQ(parser.feed("T /c HTTP/1.1\r\n\r\n"), State::kComplete);
    EXPECT_EQ(parser.take().target, "/c");
}

TEST(RequestParser, DecodesChunkedBodyWithExtensionsAndTrailers) {
    RequestParser parser;
    ASSERT_EQ(parser.feed("POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3;ext=1\r\nabc\r\nA\r\n0123456789\r\n0\r\nX-Trailer: 1\r\n\r\n"),
              State::kComplete);
    EXPECT_EQ(parser.take().body, "abc0123456789");
}

TEST(RequestParser, ReportsExpectContinueUntilTheBodyArrives) {
    RequestParser parser;
    ASSERT_EQ(parser.feed("POST / HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n"),
              State::kNeedMore);
    EXPECT_TRUE(parser.expect_continue());
    ASSERT_EQ(parser.feed("ok"), State::kComplete);
    EXPECT_FALSE(parser.expect_continue());
    parser.take();
    EXPECT_FALSE(parser.expect_continue());
}

struct Bad {
    std::string text;
    int status;
    std::string fragment;  // part of the error message
};

class RequestParserRefuses : public testing::TestWithParam<Bad> {};

TEST_P(RequestParserRefuses, WithStatusAndMessage) {
    RequestParser parser(Limits{256, 100});
    ASSERT_EQ(parser.feed(GetParam().text), State::kError);
    EXPECT_EQ(parser.error_status(), GetParam().status) << parser.error();
    EXPECT_NE(parser.error().find(GetParam().fragment), std::string::npos) << parser.error();
    // Stays in error; more bytes change nothing.
    EXPECT_EQ(parser.feed("GET / HTTP/1.1\r\n\r\n"), State::kError);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RequestParserRefuses,
    testing::Values(
        Bad{"GARBAGE\r\n\r\n", 400, "request line"}, Bad{"GET  / HTTP/1.1\r\n\r\n", 400, "request line"},
        Bad{"G(T / HTTP/1.1\r\n\r\n", 400, "method"}, Bad{"GET / HTTP/2.0\r\n\r\n", 505, "version"},
        Bad{"GET / HTTP/1.1\r\nNo colon\r\n\r\n", 400, "line 2"},
        Bad{"GET / HTTP/1.1\r\nName : v\r\n\r\n", 400, "field name"},
        Bad{"GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n", 400, "folding"},
        Bad{"GET / HTTP/1.1\r\nA: b\nc\r\n\r\n", 400, "control character"},
        Bad{"GET / HTTP/1.1\r\nX: " + std::string(300, 'a') + "\r\n\r\n", 431, "exceeds"},
        Bad{"GET / HTTP/1.1\r\nX: " + std::string(300, 'a'), 431, "exceeds"},
        Bad{"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", 413, "Content-Length"},
        Bad{"POST / HTTP/1.1\r\nContent-Length: 99999999999999999999999\r\n\r\n", 413, "Content-Length"},
        Bad{"POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", 400, "not a number"},
        Bad{"POST / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400, "conflicting"},
        Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "not implemented"},
        Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n", 400, "both"},
        Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400, "chunk size"},
        Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFFFFFFF\r\n", 413,
            "chunk size"},
        Bad{"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabcd\r\n", 400, "CRLF"},
        Bad{"POST / HTTP/1.1\r\nExpect: magic\r\n\r\n", 417, "expectation"}));

TEST(RequestParser, FinishReportsATruncatedBody) {
    RequestParser parser;
    ASSERT_EQ(parser.feed("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc"), State::kNeedMore);
    EXPECT_EQ(parser.finish(), State::kError);
    EXPECT_NE(parser.error().find("7 more"), std::string::npos) << parser.error();
}

}  // namespace
}  // namespace hnbsec::http
