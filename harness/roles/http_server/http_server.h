#pragma once
// A plain HTTP/1.1 server on asio (one io_context thread) for the harness's HTTP roles:
// the OCSP responder, the CRL server. It owns framing, limits and timeouts; a role
// supplies only a handler from request to reply. Malformed requests get a clear 4xx/5xx
// (400, 408, 413, 417, 431, 501, 505) and close the connection; every request, good or
// bad, becomes one RequestEvent. Listeners are opened here or adopted as already-open
// descriptors (sockets the network code opened inside a namespace), each with a label.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <asio.hpp>

#include "core/result.h"
#include "harness/roles/http_server/request_event.h"
#include "proto/http/message.h"

namespace hnbsec::http_server {

// What a handler answers. Converts from a Response; the extra fields let a test role
// misbehave on purpose (a slow or silent responder).
struct Reply {
    Reply(http::Response r) : response(std::move(r)) {}  // NOLINT(google-explicit-constructor): by design
    http::Response response;
    std::chrono::milliseconds delay{0};  // answer only after this long
    bool drop = false;                   // close the connection without answering
    std::string note;                    // for the event: what the role decided
};

using Handler = std::function<Reply(const http::Request&, const Peer&)>;
using EventSink = std::function<void(const RequestEvent&)>;

struct ServerOptions {
    http::Limits limits;
    std::chrono::milliseconds request_timeout{10000};  // for a whole request, from its first byte
    std::chrono::milliseconds idle_timeout{30000};     // keep-alive connection without a request
    std::size_t max_connections = 64;                  // more are accepted and closed at once
    bool stop_on_signal = false;                       // SIGINT/SIGTERM end run()
};

class HttpServer {
public:
    HttpServer(Handler handler, EventSink sink, ServerOptions options = {});
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    // Opens a listener on address:port (port 0 picks one); returns the bound port.
    Result<std::uint16_t> listen(const std::string& address, std::uint16_t port, const std::string& label);
    // Adopts an open, bound and listening TCP socket; the server owns it from now on.
    Result<std::uint16_t> adopt(int listening_fd, const std::string& label);

    // Serves until stop() (or a signal with stop_on_signal); returns when the loop ended.
    void run();
    // Safe from any thread, also before run().
    void stop();

private:
    class Connection;
    struct Listener {
        Listener(asio::io_context& io, std::string l) : acceptor(io), label(std::move(l)) {}
        asio::ip::tcp::acceptor acceptor;
        std::string label;
    };

    Result<std::uint16_t> start(Listener& listener);
    void accept(Listener& listener);

    Handler handler_;
    EventSink sink_;
    ServerOptions options_;
    asio::io_context io_;
    asio::signal_set signals_;
    std::vector<std::unique_ptr<Listener>> listeners_;
    std::shared_ptr<std::size_t> open_connections_ = std::make_shared<std::size_t>(0);
};

}  // namespace hnbsec::http_server
