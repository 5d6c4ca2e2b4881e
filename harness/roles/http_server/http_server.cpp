#include "harness/roles/http_server/http_server.h"

#include <array>
#include <exception>

#include <sys/socket.h>

#include "proto/http/request_parser.h"
#include "proto/http/serialize.h"

namespace hnbsec::http_server {

// One client connection: reads and frames requests, calls the handler, writes replies,
// enforces the timeouts. Lives as long as an asio operation holds it.
class HttpServer::Connection : public std::enable_shared_from_this<Connection> {
public:
    Connection(asio::ip::tcp::socket socket, Peer peer, const HttpServer& server)
        : socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          delay_(socket_.get_executor()),
          parser_(server.options_.limits),
          peer_(std::move(peer)),
          server_(server),
          counter_(server.open_connections_) {
        ++*counter_;
    }
    ~Connection() { --*counter_; }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    void start() {
        arm(server_.options_.idle_timeout);
        read();
    }

    // Refuses a connection over the limit with 503 before reading anything.
    void refuse(const std::string& why) {
        RequestEvent event;
        event.peer = peer_;
        event.note = why;
        http::Response response;
        response.status = 503;
        response.headers = {{"Connection", "close"}, {"Content-Type", "text/plain"}};
        response.body = why + "\n";
        send(std::move(response), std::move(event), false);
    }

private:
    void read() {
        socket_.async_read_some(
            asio::buffer(buffer_),
            [self = shared_from_this()](asio::error_code ec, std::size_t n) { self->on_read(ec, n); });
    }

    void on_read(asio::error_code ec, std::size_t n) {
        if (closed_ || timed_out_) return;
        if (ec) {
            // The peer closed (or reset): report a request it left unfinished.
            if (pending_bytes() > 0 && parser_.finish() == http::RequestParser::State::kError) {
                RequestEvent event = started_event();
                event.note = "connection closed mid-request: " + parser_.error();
                emit(event);
            }
            close();
            return;
        }
        if (pending_bytes() == 0) arm(server_.options_.request_timeout);  // first byte of a request
        fed_ += n;
        process(parser_.feed(std::span<const std::uint8_t>(buffer_.data(), n)));
    }

    // Bytes of a request not answered yet (0: between requests).
    std::size_t pending_bytes() const { return fed_ - mark_; }

    RequestEvent started_event() const {
        RequestEvent event;
        event.peer = peer_;
        event.request_bytes = fed_ - mark_;
        return event;
    }

    void process(http::RequestParser::State state) {
        using State = http::RequestParser::State;
        if (state == State::kNeedMore) {
            if (parser_.expect_continue() && !continue_sent_) {
                // RFC 9110 §10.1.1: tell the client to go on sending the body.
                continue_sent_ = true;
                auto interim = std::make_shared<std::string>("HTTP/1.1 100 Continue\r\n\r\n");
                asio::async_write(socket_, asio::buffer(*interim),
                                  [self = shared_from_this(), interim](asio::error_code ec, std::size_t) {
                                      if (ec) return self->close();
                                      self->read();
                                  });
                return;
            }
            read();
            return;
        }
        timer_.cancel();
        if (state == State::kError) {
            RequestEvent event = started_event();
            event.note = parser_.error();
            http::Response response;
            response.status = parser_.error_status();
            response.headers = {{"Connection", "close"}, {"Content-Type", "text/plain"}};
            response.body = parser_.error() + "\n";
            send(std::move(response), std::move(event), false);
            return;
        }
        const std::size_t consumed = fed_ - parser_.buffered();
        RequestEvent event;
        event.peer = peer_;
        event.request_bytes = consumed - mark_;
        mark_ = consumed;
        http::Request request = parser_.take();
        event.method = request.method;
        event.target = request.target;
        const bool keep = request.keep_alive();
        Reply reply = call_handler(request);
        event.note = reply.note;
        if (reply.drop) {
            auto finish = [self = shared_from_this(), event]() mutable {
                self->emit(event);
                self->close();
            };
            if (reply.delay.count() > 0) return later(reply.delay, std::move(finish));
            return finish();
        }
        if (!keep) reply.response.headers.push_back({"Connection", "close"});
        auto respond = [self = shared_from_this(), response = std::move(reply.response), event,
                        keep]() mutable { self->send(std::move(response), std::move(event), keep); };
        if (reply.delay.count() > 0) return later(reply.delay, std::move(respond));
        respond();
    }

    Reply call_handler(const http::Request& request) {
        // The handler is role code; a throw must cost one 500, not the server.
        try {
            return server_.handler_(request, peer_);
        } catch (const std::exception& e) {
            http::Response response;
            response.status = 500;
            Reply reply(std::move(response));
            reply.note = std::string("handler failed: ") + e.what();
            return reply;
        }
    }

    template <typename F>
    void later(std::chrono::milliseconds delay, F action) {
        delay_.expires_after(delay);
        delay_.async_wait(
            [self = shared_from_this(), action = std::move(action)](asio::error_code ec) mutable {
                if (ec || self->closed_) return;
                action();
            });
    }

    void send(http::Response response, RequestEvent event, bool keep) {
        auto bytes = std::make_shared<std::string>(http::serialize(response));
        event.status = response.status;
        event.response_bytes = bytes->size();
        asio::async_write(
            socket_, asio::buffer(*bytes),
            [self = shared_from_this(), bytes, event, keep](asio::error_code ec, std::size_t) mutable {
                if (ec) event.note += (event.note.empty() ? "" : "; ") + ("write failed: " + ec.message());
                self->emit(event);
                if (ec || !keep) return self->close();
                self->continue_sent_ = false;
                self->arm(self->server_.options_.idle_timeout);
                // A pipelined request may already be buffered.
                self->process(self->parser_.feed(std::span<const std::uint8_t>()));
            });
    }

    void arm(std::chrono::milliseconds timeout) {
        timer_.expires_after(timeout);
        timer_.async_wait([self = shared_from_this()](asio::error_code ec) {
            if (ec || self->closed_) return;
            if (self->pending_bytes() == 0) return self->close();  // idle keep-alive: close quietly
            self->timed_out_ = true;
            RequestEvent event = self->started_event();
            event.note = "request not complete within " +
                         std::to_string(self->server_.options_.request_timeout.count()) + " ms";
            http::Response response;
            response.status = 408;
            response.headers = {{"Connection", "close"}};
            self->send(std::move(response), std::move(event), false);
        });
    }

    void emit(const RequestEvent& event) {
        if (server_.sink_) server_.sink_(event);
    }

    void close() {
        if (closed_) return;
        closed_ = true;
        asio::error_code ignored;
        timer_.cancel();
        delay_.cancel();
        socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        socket_.close(ignored);
    }

    asio::ip::tcp::socket socket_;
    asio::steady_timer timer_;  // request / idle timeout
    asio::steady_timer delay_;  // slow answers
    http::RequestParser parser_;
    std::array<std::uint8_t, 16384> buffer_{};
    Peer peer_;
    const HttpServer& server_;
    std::shared_ptr<std::size_t> counter_;
    std::size_t fed_ = 0;   // bytes read on this connection
    std::size_t mark_ = 0;  // of which belong to requests already answered
    bool continue_sent_ = false;
    bool closed_ = false;
    bool timed_out_ = false;
};

HttpServer::HttpServer(Handler handler, EventSink sink, ServerOptions options)
    : handler_(std::move(handler)), sink_(std::move(sink)), options_(options), signals_(io_) {}

HttpServer::~HttpServer() {
    io_.stop();
}

Result<std::uint16_t> HttpServer::listen(const std::string& address, std::uint16_t port,
                                         const std::string& label) {
    asio::error_code ec;
    auto ip = asio::ip::make_address(address, ec);
    if (ec) return Error("HTTP listen address '" + address + "' is not an IP address");
    auto listener = std::make_unique<Listener>(io_, label);
    const asio::ip::tcp::endpoint endpoint(ip, port);
    listener->acceptor.open(endpoint.protocol(), ec);
    if (!ec) listener->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
    if (!ec) listener->acceptor.bind(endpoint, ec);
    if (!ec) listener->acceptor.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Error("cannot listen on TCP " + address + ":" + std::to_string(port) + ": " + ec.message() +
                     (port < 1024 && port != 0 ? " (ports below 1024 need root)" : ""));
    }
    listeners_.push_back(std::move(listener));
    return start(*listeners_.back());
}

Result<std::uint16_t> HttpServer::adopt(int listening_fd, const std::string& label) {
    sockaddr_storage address{};
    socklen_t length = sizeof(address);
    if (::getsockname(listening_fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
        return Error("adopting listener fd " + std::to_string(listening_fd) + ": not a bound socket");
    }
    const auto protocol = address.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4();
    auto listener = std::make_unique<Listener>(io_, label);
    asio::error_code ec;
    listener->acceptor.assign(protocol, listening_fd, ec);
    if (ec) return Error("adopting listener fd " + std::to_string(listening_fd) + ": " + ec.message());
    listeners_.push_back(std::move(listener));
    return start(*listeners_.back());
}

Result<std::uint16_t> HttpServer::start(Listener& listener) {
    asio::error_code ec;
    auto endpoint = listener.acceptor.local_endpoint(ec);
    if (ec) return Error("listener '" + listener.label + "': " + ec.message());
    accept(listener);
    return endpoint.port();
}

void HttpServer::accept(Listener& listener) {
    listener.acceptor.async_accept([this, &listener](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !listener.acceptor.is_open()) return;
        if (!ec) {
            asio::error_code ignored;
            auto remote = socket.remote_endpoint(ignored);
            Peer peer{remote.address().to_string(), remote.port(), listener.label};
            auto connection = std::make_shared<Connection>(std::move(socket), std::move(peer), *this);
            if (*open_connections_ > options_.max_connections) {
                connection->refuse("more than " + std::to_string(options_.max_connections) +
                                   " open connections");
            } else {
                connection->start();
            }
        }
        accept(listener);
    });
}

void HttpServer::run() {
    if (options_.stop_on_signal) {
        asio::error_code ignored;
        signals_.add(SIGINT, ignored);
        signals_.add(SIGTERM, ignored);
        signals_.async_wait([this](const asio::error_code& ec, int) {
            if (!ec) stop();
        });
    }
    io_.run();
}

void HttpServer::stop() {
    asio::post(io_, [this] {
        asio::error_code ignored;
        for (auto& listener : listeners_) listener->acceptor.close(ignored);
        signals_.cancel(ignored);
        io_.stop();
    });
}

}  // namespace hnbsec::http_server
