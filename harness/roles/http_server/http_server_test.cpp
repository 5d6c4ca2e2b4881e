#include "harness/roles/http_server/http_server.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>

#include "proto/http/response_parser.h"

namespace hnbsec::http_server {
namespace {

using namespace std::chrono_literals;

// Collects events from the server thread; tests wait for them with a deadline.
class Events {
public:
    void add(const RequestEvent& event) {
        std::lock_guard lock(mutex_);
        events_.push_back(event);
        changed_.notify_all();
    }
    std::optional<RequestEvent> wait(std::size_t index, std::chrono::milliseconds timeout = 5s) {
        std::unique_lock lock(mutex_);
        if (!changed_.wait_for(lock, timeout, [&] { return events_.size() > index; })) return std::nullopt;
        return events_[index];
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<RequestEvent> events_;
};

class HttpServerTest : public testing::Test {
protected:
    void start(ServerOptions options = {}) {
        options.limits = http::Limits{1024, 4096};
        server_ = std::make_unique<HttpServer>(
            [](const http::Request& request, const Peer& peer) -> Reply {
                http::Response response;
                response.body =
                    request.method + " " + request.target + " " + request.body + " from " + peer.listener;
                Reply reply(std::move(response));
                if (request.target == "/drop") reply.drop = true;
                if (request.target == "/slow") reply.delay = 50ms;
                if (request.target == "/throw") throw std::runtime_error("boom");
                reply.note = "handled";
                return reply;
            },
            [this](const RequestEvent& event) { events_.add(event); }, options);
        auto port = server_->listen("127.0.0.1", 0, "public");
        ASSERT_TRUE(port.ok()) << port.error().message();
        port_ = *port;
        thread_ = std::thread([this] { server_->run(); });
    }
    void TearDown() override {
        if (server_) server_->stop();
        if (thread_.joinable()) thread_.join();
    }

    asio::ip::tcp::socket connect() {
        asio::ip::tcp::socket socket(client_io_);
        socket.connect({asio::ip::make_address("127.0.0.1"), port_});
        return socket;
    }

    // Reads one response (or EOF) from a blocking socket.
    static std::optional<http::Response> receive(asio::ip::tcp::socket& socket,
                                                 http::ResponseParser& parser) {
        std::array<char, 4096> buffer{};
        for (;;) {
            asio::error_code ec;
            auto n = socket.read_some(asio::buffer(buffer), ec);
            auto state = ec ? parser.finish() : parser.feed(std::string_view(buffer.data(), n));
            if (state == http::ResponseParser::State::kComplete) return parser.take();
            if (state == http::ResponseParser::State::kError || ec) return std::nullopt;
        }
    }
    static std::optional<http::Response> exchange(asio::ip::tcp::socket& socket, const std::string& request) {
        asio::write(socket, asio::buffer(request));
        http::ResponseParser parser;
        return receive(socket, parser);
    }

    std::unique_ptr<HttpServer> server_;
    std::thread thread_;
    std::uint16_t port_ = 0;
    Events events_;
    asio::io_context client_io_;
};

TEST_F(HttpServerTest, AnswersAndReportsEachRequestOnAKeptAliveConnection) {
    start();
    auto socket = connect();
    auto first = exchange(socket, "GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    ASSERT_TRUE(first);
    EXPECT_EQ(first->body, "GET /a  from public");
    auto second = exchange(socket, "POST /b HTTP/1.1\r\nContent-Length: 3\r\n\r\nxyz");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->body, "POST /b xyz from public");
    auto event = events_.wait(1);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->method, "POST");
    EXPECT_EQ(event->target, "/b");
    EXPECT_EQ(event->status, 200);
    EXPECT_EQ(event->peer.address, "127.0.0.1");
    EXPECT_EQ(event->peer.listener, "public");
    EXPECT_EQ(event->request_bytes, 42U);
    EXPECT_GT(event->response_bytes, 0U);
    EXPECT_EQ(event->note, "handled");
    EXPECT_NE(to_string(*event).find("POST /b -> 200"), std::string::npos) << to_string(*event);
}

TEST_F(HttpServerTest, MalformedRequestsGetAStatusAndTheServerKeepsServing) {
    start();
    const std::vector<std::pair<std::string, int>> cases = {
        {"GARBAGE\r\n\r\n", 400},
        {"GET / HTTP/1.1\r\nX: " + std::string(2000, 'a') + "\r\n\r\n", 431},
        {"POST / HTTP/1.1\r\nContent-Length: 99999\r\n\r\n", 413},
        {"POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n", 501},
    };
    for (std::size_t i = 0; i < cases.size(); ++i) {
        auto socket = connect();
        auto response = exchange(socket, cases[i].first);
        ASSERT_TRUE(response) << i;
        EXPECT_EQ(response->status, cases[i].second) << i;
        EXPECT_EQ(response->header("Connection"), "close");
        auto event = events_.wait(i);
        ASSERT_TRUE(event);
        EXPECT_EQ(event->status, cases[i].second);
        EXPECT_FALSE(event->note.empty());
    }
    auto socket = connect();
    auto ok = exchange(socket, "GET /still HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(ok);
    EXPECT_EQ(ok->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueGetsAnInterimResponse) {
    start();
    auto socket = connect();
    asio::write(
        socket,
        asio::buffer(std::string("POST /c HTTP/1.1\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n")));
    http::ResponseParser parser;
    auto interim = receive(socket, parser);
    ASSERT_TRUE(interim);
    EXPECT_EQ(interim->status, 100);
    asio::write(socket, asio::buffer(std::string("hi")));
    auto final_response = receive(socket, parser);
    ASSERT_TRUE(final_response);
    EXPECT_EQ(final_response->body, "POST /c hi from public");
}

TEST_F(HttpServerTest, ChunkedPipelinedSlowDroppedAndThrowing) {
    start();
    auto socket = connect();
    asio::write(socket, asio::buffer(std::string(
                            "POST /k HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n"
                            "GET /slow HTTP/1.1\r\n\r\n")));
    http::ResponseParser parser;
    auto chunked = receive(socket, parser);
    ASSERT_TRUE(chunked);
    EXPECT_EQ(chunked->body, "POST /k ab from public");
    auto slow = receive(socket, parser);
    ASSERT_TRUE(slow);
    EXPECT_EQ(slow->body, "GET /slow  from public");
    auto failing = exchange(socket, "GET /throw HTTP/1.1\r\n\r\n");
    ASSERT_TRUE(failing);
    EXPECT_EQ(failing->status, 500);
    auto dropped = exchange(socket, "GET /drop HTTP/1.1\r\n\r\n");
    EXPECT_FALSE(dropped);
    auto event = events_.wait(3);
    ASSERT_TRUE(event);
    EXPECT_EQ(event->target, "/drop");
    EXPECT_EQ(event->status, 0);
}

TEST_F(HttpServerTest, IncompleteRequestTimesOutWith408) {
    ServerOptions options;
    options.request_timeout = 100ms;
    start(options);
    auto socket = connect();
    auto response = exchange(socket, "GET / HTTP/1.1\r\nHost: x\r\n");
    ASSERT_TRUE(response);
    EXPECT_EQ(response->status, 408);
    auto event = events_.wait(0);
    ASSERT_TRUE(event);
    EXPECT_NE(event->note.find("not complete"), std::string::npos);
}

TEST(HttpServerAdopt, ServesOnAnAdoptedListeningSocket) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(::listen(fd, 8), 0);
    HttpServer server(
        [](const http::Request&, const Peer& peer) {
            return http::Response{200, "", {}, peer.listener};
        },
        nullptr);
    auto port = server.adopt(fd, "inside_tunnel");
    ASSERT_TRUE(port.ok()) << port.error().message();
    std::thread thread([&] { server.run(); });
    asio::io_context io;
    asio::ip::tcp::socket socket(io);
    socket.connect({asio::ip::make_address("127.0.0.1"), *port});
    asio::write(socket, asio::buffer(std::string("GET / HTTP/1.0\r\n\r\n")));
    std::string text;
    asio::error_code ec;
    asio::read(socket, asio::dynamic_buffer(text), ec);  // HTTP/1.0: server closes after the answer
    server.stop();
    thread.join();
    EXPECT_NE(text.find("inside_tunnel"), std::string::npos) << text;
}

}  // namespace
}  // namespace hnbsec::http_server
