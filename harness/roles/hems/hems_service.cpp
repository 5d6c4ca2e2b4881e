#include "harness/roles/hems/hems_service.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>

#include <poll.h>
#include <pthread.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "proto/http/http.h"

namespace hnbsec::hems {

struct HemsService::Connection {
    explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}
    asio::ip::tcp::socket socket;
    std::string peer;
    std::thread thread;
    std::atomic<bool> done{false};
};

namespace {

std::string endpoint_text(const asio::ip::tcp::endpoint& e) {
    const auto address = e.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(e.port());
}

void set_timeouts(int fd, std::chrono::milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

// Blocking byte stream over TLS or plain TCP; read() < 0 means timeout or error.
class Stream {
public:
    Stream(SSL* ssl, int fd) : ssl_(ssl), fd_(fd) {}

    // > 0 bytes, 0 orderly close, < 0 timeout/error (`why` says which).
    long read(char* data, std::size_t size, std::string& why) {
        if (ssl_ != nullptr) {
            const int n = SSL_read(ssl_, data, static_cast<int>(size));
            if (n > 0) return n;
            const int error = SSL_get_error(ssl_, n);
            if (error == SSL_ERROR_ZERO_RETURN) return 0;
            why = error == SSL_ERROR_SYSCALL && (errno == EAGAIN || errno == EWOULDBLOCK)
                      ? "timed out waiting for the device"
                      : "TLS read failed (" + tls::drain_openssl_errors() + ")";
            return error == SSL_ERROR_SYSCALL && errno == 0 ? 0 : -1;
        }
        const ssize_t n = ::recv(fd_, data, size, 0);
        if (n < 0) {
            why = errno == EAGAIN || errno == EWOULDBLOCK
                      ? "timed out waiting for the device"
                      : std::string("read failed: ") + std::strerror(errno);
        }
        return n;
    }

    bool write_all(const std::string& bytes) {
        std::size_t done = 0;
        while (done < bytes.size()) {
            long n = 0;
            if (ssl_ != nullptr) {
                n = SSL_write(ssl_, bytes.data() + done, static_cast<int>(bytes.size() - done));
            } else {
                n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
            }
            if (n <= 0) return false;
            done += static_cast<std::size_t>(n);
        }
        return true;
    }

private:
    SSL* ssl_;
    int fd_;
};

}  // namespace

HemsService::HemsService(HemsConfig config, EventSink sink)
    : config_(std::move(config)), sink_(std::move(sink)), acceptor_(io_) {}

HemsService::~HemsService() {
    stop();
    for (int fd : wake_) {
        if (fd >= 0) ::close(fd);
    }
}

Status HemsService::prepare_tls() {
    if (!config_.use_tls || ctx_) return Ok{};
    auto ctx = tls::build_server_context(config_.tls);
    if (!ctx.ok()) return std::move(ctx).error().context("preparing the H(e)MS TLS server");
    ctx_ = std::move(*ctx);
    return Ok{};
}

Status HemsService::listen(const std::string& address, std::uint16_t port) {
    HNBSEC_CHECK(prepare_tls());
    asio::error_code ec;
    const auto ip = asio::ip::make_address(address, ec);
    if (ec) return Error("H(e)MS listen address '" + address + "' is not an IP address");
    const asio::ip::tcp::endpoint endpoint(ip, port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        return Error("H(e)MS cannot listen on " + endpoint_text(endpoint) + ": " + ec.message());
    }
    return Ok{};
}

Status HemsService::adopt(int listening_fd) {
    HNBSEC_CHECK(prepare_tls());
    sockaddr_storage local{};
    socklen_t length = sizeof local;
    if (::getsockname(listening_fd, reinterpret_cast<sockaddr*>(&local), &length) !=
        0) {  // NOLINT: sockets API
        return Error(std::string("H(e)MS: the listening fd is not a socket: ") + std::strerror(errno));
    }
    asio::error_code ec;
    acceptor_.assign(local.ss_family == AF_INET6 ? asio::ip::tcp::v6() : asio::ip::tcp::v4(), listening_fd,
                     ec);
    if (ec) return Error("H(e)MS: cannot adopt the listening fd: " + ec.message());
    return Ok{};
}

std::string HemsService::local_endpoint() const {
    asio::error_code ec;
    const auto endpoint = acceptor_.local_endpoint(ec);
    return ec ? std::string("?") : endpoint_text(endpoint);
}

std::uint16_t HemsService::local_port() const {
    asio::error_code ec;
    const auto endpoint = acceptor_.local_endpoint(ec);
    return ec ? 0 : endpoint.port();
}

Status HemsService::start() {
    if (!acceptor_.is_open()) return Error("H(e)MS: start() before listen() or adopt()");
    if (::pipe2(wake_, O_CLOEXEC) != 0) return Error(std::string("H(e)MS: pipe: ") + std::strerror(errno));
    std::string detail = local_endpoint() + (config_.use_tls ? " https" : " http");
    if (!config_.summary.empty()) detail += " " + config_.summary;
    emit(EventKind::kListening, "", detail);
    accept_thread_ = std::thread([this] { accept_loop(); });
    return Ok{};
}

void HemsService::stop() {
    if (stopping_.exchange(true)) return;
    if (wake_[1] >= 0) {
        const char byte = 0;
        [[maybe_unused]] const ssize_t n = ::write(wake_[1], &byte, 1);
    }
    if (accept_thread_.joinable()) accept_thread_.join();
    std::list<std::unique_ptr<Connection>> connections;
    {
        const std::lock_guard lock(connections_mutex_);
        for (auto& c : connections_) {
            if (c->socket.is_open()) ::shutdown(c->socket.native_handle(), SHUT_RDWR);
        }
        connections.swap(connections_);
    }
    for (auto& c : connections) {
        if (c->thread.joinable()) c->thread.join();
    }
    asio::error_code ec;
    acceptor_.close(ec);
}

void HemsService::reap_finished() {
    const std::lock_guard lock(connections_mutex_);
    for (auto it = connections_.begin(); it != connections_.end();) {
        if ((*it)->done) {
            (*it)->thread.join();
            it = connections_.erase(it);
        } else {
            ++it;
        }
    }
}

void HemsService::accept_loop() {
    while (!stopping_) {
        std::array<pollfd, 2> fds{pollfd{acceptor_.native_handle(), POLLIN, 0}, pollfd{wake_[0], POLLIN, 0}};
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (fds[1].revents != 0 || stopping_) break;
        if ((fds[0].revents & POLLIN) == 0) continue;
        asio::ip::tcp::socket socket(io_);
        asio::error_code ec;
        acceptor_.accept(socket, ec);
        if (ec) continue;
        reap_finished();
        auto connection = std::make_unique<Connection>(std::move(socket));
        asio::error_code peer_ec;
        connection->peer = endpoint_text(connection->socket.remote_endpoint(peer_ec));
        Connection& c = *connection;
        {
            const std::lock_guard lock(connections_mutex_);
            connections_.push_back(std::move(connection));
            c.thread = std::thread([this, &c] {
                serve(c);
                // Close now (not at reaping) so the device sees the end at once; under the
                // lock, so stop() never shuts down a descriptor number that was reused.
                const std::lock_guard closing(connections_mutex_);
                asio::error_code close_ec;
                c.socket.close(close_ec);
                c.done = true;
            });
        }
    }
}

void HemsService::serve(Connection& connection) {
    // OpenSSL writes with write(2): a device that has gone would raise SIGPIPE and end the
    // whole process. SIGPIPE goes to the writing thread, so blocking it here turns it into
    // EPIPE for this connection only.
    sigset_t pipe_signal;
    sigemptyset(&pipe_signal);
    sigaddset(&pipe_signal, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_signal, nullptr);
    const std::string& peer = connection.peer;
    const int fd = connection.socket.native_handle();
    set_timeouts(fd, config_.io_timeout);
    emit(EventKind::kConnection, peer, "");
    tls::SslPtr ssl;
    if (config_.use_tls) {
        ssl.reset(SSL_new(ctx_.get()));
        tls::HandshakeRecord record;
        tls::attach_record(ssl.get(), &record);
        SSL_set_fd(ssl.get(), fd);
        const int accepted = SSL_accept(ssl.get());
        tls::finish_record(ssl.get(), accepted, record);
        if (record.client_hello) emit(EventKind::kClientHello, peer, record.client_hello->summary());
        if (!record.client_hello_error.empty())
            emit(EventKind::kProtocolError, peer, record.client_hello_error);
        const auto& p = record.peer;
        if (p.presented || config_.tls.client_auth != tls::ClientAuth::kNone) {
            std::string detail =
                p.presented ? "subject='" + p.subject + "' issuer='" + p.issuer + "'" : "none";
            detail += std::string(" verified=") + (p.verified ? "yes" : "no") +
                      " reason=" + (p.reason.empty() ? std::string("not checked") : p.reason);
            emit(EventKind::kClientCertificate, peer, detail);
        }
        if (accepted != 1) {
            emit(EventKind::kTlsFailure, peer, record.failure);
            return;
        }
        emit(EventKind::kTlsEstablished, peer, record.version + " " + record.cipher);
    }
    Stream stream(ssl.get(), fd);
    AcsSession session(queue_, config_.session, [this, &peer](EventKind kind, std::string detail) {
        emit(kind, peer, std::move(detail));
    });
    http::RequestParser parser;
    std::array<char, 16384> buffer{};
    bool open = true;
    bool dropped = false;
    while (open && !stopping_) {
        auto state = parser.feed(std::span<const std::uint8_t>());
        while (state == http::RequestParser::State::kNeedMore) {
            std::string why;
            const long n = stream.read(buffer.data(), buffer.size(), why);
            if (n <= 0) {
                session.on_connection_closed(n == 0 ? "connection closed by the device" : why);
                open = false;
                break;
            }
            state = parser.feed(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        }
        if (!open) break;
        if (state == http::RequestParser::State::kError) {
            emit(EventKind::kProtocolError, peer, "HTTP: " + parser.error());
            http::Response r;
            r.status = parser.error_status();
            r.headers.push_back({"Connection", "close"});
            stream.write_all(http::serialize(r));
            session.on_connection_closed("HTTP error " + std::to_string(r.status));
            break;
        }
        const http::Request request = parser.take();
        AcsSession::Reply reply = session.on_request(request);
        if (reply.drop) {
            dropped = true;
            break;
        }
        const bool close = reply.close || !request.keep_alive();
        if (close) reply.response.headers.push_back({"Connection", "close"});
        if (!stream.write_all(http::serialize(reply.response))) {
            session.on_connection_closed("write to the device failed");
            break;
        }
        if (close) {
            session.on_connection_closed("connection closed by the H(e)MS");
            break;
        }
    }
    // A dropped connection ends without close_notify: the device sees TCP close mid-session.
    if (ssl && !dropped) SSL_shutdown(ssl.get());
    ::shutdown(fd, SHUT_RDWR);
}

void HemsService::emit(EventKind kind, const std::string& peer, std::string detail) {
    const std::lock_guard lock(sink_mutex_);
    if (sink_) sink_(HemsEvent{kind, config_.listener, peer, std::move(detail)});
}

}  // namespace hnbsec::hems
