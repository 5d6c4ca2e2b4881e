#include "harness/roles/timeserver/time_server.h"

#include <charconv>
#include <memory>

#include <sys/socket.h>

#include "harness/roles/timeserver/responder.h"

namespace hnbsec::timeserver {
namespace {

ntp::SystemTime true_now() {
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

}  // namespace

std::string to_string(const asio::ip::udp::endpoint& endpoint) {
    const auto address = endpoint.address();
    const std::string host = address.is_v6() ? "[" + address.to_string() + "]" : address.to_string();
    return host + ":" + std::to_string(endpoint.port());
}

Result<ListenAddress> parse_listen_address(std::string_view text, Path path) {
    ListenAddress where;
    where.path = path;
    std::string_view host = text;
    std::string_view port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find(']');
        if (close == std::string_view::npos)
            return Error("listen address '" + std::string(text) + "': missing ']'");
        host = text.substr(1, close - 1);
        const auto rest = text.substr(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':')
                return Error("listen address '" + std::string(text) + "': expected ':' after ']'");
            port = rest.substr(1);
        }
    } else if (const auto colon = text.rfind(':');
               colon != std::string_view::npos && text.find(':') == colon) {
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    asio::error_code ec;
    asio::ip::make_address(std::string(host), ec);
    if (ec)
        return Error("listen address '" + std::string(text) + "': '" + std::string(host) +
                     "' is not an IP address");
    where.address = std::string(host);
    if (!port.empty()) {
        unsigned value = 0;
        const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), value);
        if (error != std::errc() || end != port.data() + port.size() || value > 65535)
            return Error("listen address '" + std::string(text) + "': port '" + std::string(port) +
                         "' is not 0-65535");
        where.port = static_cast<std::uint16_t>(value);
    }
    return where;
}

TimeServer::TimeServer(asio::io_context& io, ServerKnobs knobs, EventSink sink)
    : io_(io), knobs_(std::move(knobs)), sink_(std::move(sink)) {}

TimeServer::Listener& TimeServer::add_listener(Path path) {
    return listeners_.emplace_back(io_, path);
}

Status TimeServer::listen(const ListenAddress& where) {
    asio::error_code ec;
    const auto address = asio::ip::make_address(where.address, ec);
    if (ec) return Error("NTP listen address '" + where.address + "' is not an IP address");
    const asio::ip::udp::endpoint endpoint(address, where.port);
    Listener& listener = add_listener(where.path);
    listener.socket.open(endpoint.protocol(), ec);
    if (!ec) listener.socket.bind(endpoint, ec);
    if (ec) {
        listeners_.pop_back();
        return Error("cannot listen on UDP " + to_string(endpoint) + ": " + ec.message() +
                     (where.port < 1024 ? " (ports below 1024 need root)" : ""));
    }
    listener.name = to_string(listener.socket.local_endpoint(ec));
    return Ok{};
}

Status TimeServer::adopt(int fd, Path path) {
    sockaddr_storage local{};
    socklen_t length = sizeof(local);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's own type pun
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) != 0)
        return Error("adopting socket " + std::to_string(fd) + ": not a socket");
    if (local.ss_family != AF_INET && local.ss_family != AF_INET6)
        return Error("adopting socket " + std::to_string(fd) + ": not an IP socket");
    Listener& listener = add_listener(path);
    asio::error_code ec;
    listener.socket.assign(local.ss_family == AF_INET ? asio::ip::udp::v4() : asio::ip::udp::v6(), fd, ec);
    if (ec) {
        listeners_.pop_back();
        return Error("adopting socket " + std::to_string(fd) + ": " + ec.message());
    }
    listener.name = to_string(listener.socket.local_endpoint(ec));
    return Ok{};
}

std::vector<asio::ip::udp::endpoint> TimeServer::local_endpoints() const {
    std::vector<asio::ip::udp::endpoint> endpoints;
    for (const auto& listener : listeners_) {
        asio::error_code ec;
        endpoints.push_back(listener.socket.local_endpoint(ec));
    }
    return endpoints;
}

void TimeServer::start() {
    asio::post(io_, [this] {
        for (auto& listener : listeners_) receive(listener);
    });
}

void TimeServer::stop() {
    asio::post(io_, [this] {
        for (auto& listener : listeners_) {
            asio::error_code ignored;
            listener.socket.close(ignored);
        }
        for (const auto& timer : delayed_) timer->cancel();
    });
}

void TimeServer::receive(Listener& listener) {
    if (!listener.socket.is_open()) return;
    listener.socket.async_receive_from(
        asio::buffer(listener.buffer), listener.sender,
        [this, &listener](asio::error_code ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || !listener.socket.is_open()) return;
            if (!ec) {
                const ntp::SystemTime received = true_now();
                std::vector<std::uint8_t> request(listener.buffer.begin(),
                                                  listener.buffer.begin() + static_cast<std::ptrdiff_t>(n));
                const ServerKnobs knobs = knobs_.snapshot();
                if (knobs.answer_delay > std::chrono::nanoseconds::zero()) {
                    auto timer = std::make_shared<asio::steady_timer>(io_, knobs.answer_delay);
                    delayed_.insert(timer);
                    timer->async_wait([this, &listener, timer, request = std::move(request),
                                       client = listener.sender, received,
                                       knobs](asio::error_code timer_ec) mutable {
                        delayed_.erase(timer);
                        // Stopped while holding the answer: still one event for the request.
                        const bool send = !timer_ec && listener.socket.is_open();
                        answer(listener, std::move(request), client, received, knobs, send);
                    });
                } else {
                    answer(listener, std::move(request), listener.sender, received, knobs, true);
                }
            }
            receive(listener);
        });
}

void TimeServer::answer(Listener& listener, std::vector<std::uint8_t> request, asio::ip::udp::endpoint client,
                        ntp::SystemTime received, const ServerKnobs& knobs, bool send) {
    Reply reply = answer_request(request, knobs, received, true_now());
    reply.event.client = to_string(client);
    reply.event.listener = listener.name;
    reply.event.path = listener.path;
    if (reply.datagram && !send) {
        reply.event.answered = false;
        reply.event.answer =
            "nothing: stopped during the answer delay (would have sent " + reply.event.answer + ")";
    } else if (reply.datagram) {
        asio::error_code ec;
        listener.socket.send_to(asio::buffer(*reply.datagram), client, 0, ec);
        if (ec) {
            reply.event.answered = false;
            reply.event.answer += " (send failed: " + ec.message() + ")";
        }
    }
    if (sink_) sink_(reply.event);
}

}  // namespace hnbsec::timeserver
