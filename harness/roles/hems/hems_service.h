#pragma once
// The H(e)MS (ACS) as a running service: a TCP listener (opened here, or an already-open
// listening fd handed in by the network code that opens sockets inside namespaces), TLS on
// each accepted connection, HTTP/1.1 (proto/http) and one AcsSession per connection.
// Each connection runs on its own thread with blocking I/O bounded by io_timeout; stop()
// wakes the accept loop, shuts every connection down and joins all threads.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <asio.hpp>

#include "core/result.h"
#include "harness/roles/hems/acs_session.h"
#include "harness/roles/hems/hems_event.h"
#include "harness/roles/hems/rpc_queue.h"
#include "proto/tls/server_context.h"

namespace hnbsec::hems {

struct HemsConfig {
    std::string listener = "public";  // "public" (initial H(e)MS) or "inside_tunnel" (serving H(e)MS)
    bool use_tls = true;              // false: plain HTTP (inner H(e)MS without P.TLS_INNER)
    tls::ServerConfig tls;
    SessionKnobs session;
    std::chrono::milliseconds io_timeout{10000};  // per read/write, handshake included
    std::string summary;                          // for the "listening" event: certificate, versions
};

class HemsService {
public:
    using EventSink = std::function<void(const HemsEvent&)>;

    HemsService(HemsConfig config, EventSink sink);
    ~HemsService();
    HemsService(const HemsService&) = delete;
    HemsService& operator=(const HemsService&) = delete;

    // Builds the TLS context and binds; port 0 picks an ephemeral port.
    Status listen(const std::string& address, std::uint16_t port);
    // Takes over an already-bound, listening TCP socket (the service closes it at the end).
    Status adopt(int listening_fd);
    // The bound endpoint, "127.0.0.1:40123".
    std::string local_endpoint() const;
    std::uint16_t local_port() const;

    // Starts the accept thread; emits "listening".
    Status start();
    // Safe from any thread; idempotent.
    void stop();

    RpcQueue& queue() { return queue_; }

private:
    struct Connection;
    Status prepare_tls();
    void accept_loop();
    void serve(Connection& connection);
    void emit(EventKind kind, const std::string& peer, std::string detail);
    void reap_finished();

    HemsConfig config_;
    EventSink sink_;
    RpcQueue queue_;
    tls::SslCtxPtr ctx_;
    asio::io_context io_;
    asio::ip::tcp::acceptor acceptor_;
    int wake_[2] = {-1, -1};  // self-pipe that wakes the accept loop's poll()
    std::thread accept_thread_;
    std::atomic<bool> stopping_{false};
    std::mutex connections_mutex_;
    std::list<std::unique_ptr<Connection>> connections_;
    std::mutex sink_mutex_;
};

}  // namespace hnbsec::hems
