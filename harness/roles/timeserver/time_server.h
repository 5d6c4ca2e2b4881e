#pragma once
// The harness's NTP server role: UDP listeners on an asio io_context the caller
// runs (one thread), each tagged with the path it serves - inside the SeGW's ESP
// tunnel (a listener in the core network namespace) or in clear - so every event
// says which way a request came. Listeners are bound here by address, or handed over
// as already-open sockets (the lab creates them inside network namespaces).
//
// Knobs change at any time from any thread (knobs().update(...)); each request is
// answered with the snapshot taken when it arrived, after the answer delay.

#include <functional>
#include <list>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <asio.hpp>

#include "core/result.h"
#include "harness/roles/timeserver/knobs.h"
#include "harness/roles/timeserver/request_event.h"

namespace hnbsec::timeserver {

struct ListenAddress {
    std::string address;  // "10.78.0.123", "::1"
    std::uint16_t port = ntp::kNtpPort;
    Path path = Path::kPublic;
};

// "127.0.0.1:11123", "[::1]:123"; the port defaults to 123.
Result<ListenAddress> parse_listen_address(std::string_view text, Path path);

class TimeServer {
public:
    using EventSink = std::function<void(const RequestEvent&)>;

    // `sink` is called on the io_context's thread, once per received datagram.
    TimeServer(asio::io_context& io, ServerKnobs knobs, EventSink sink);
    TimeServer(const TimeServer&) = delete;
    TimeServer& operator=(const TimeServer&) = delete;

    // Binds a UDP socket; fails with the address and the reason. Port 0 picks a free port.
    Status listen(const ListenAddress& where);
    // Takes ownership of an open, bound UDP socket (IPv4 or IPv6).
    Status adopt(int fd, Path path);
    // The bound addresses, in the order the listeners were added.
    std::vector<asio::ip::udp::endpoint> local_endpoints() const;

    // Starts receiving on every listener; call once, before or while the io_context runs.
    void start();
    // Closes every listener; safe from any thread. Answers held by the delay knob are
    // not sent, but their requests are still reported.
    void stop();

    Knobs& knobs() { return knobs_; }

private:
    struct Listener {
        Listener(asio::io_context& io, Path p) : socket(io), path(p) {}
        asio::ip::udp::socket socket;
        Path path;
        std::string name;  // local address:port, for events
        std::array<std::uint8_t, 2048> buffer{};
        asio::ip::udp::endpoint sender;
    };

    Listener& add_listener(Path path);
    void receive(Listener& listener);
    void answer(Listener& listener, std::vector<std::uint8_t> request, asio::ip::udp::endpoint client,
                ntp::SystemTime received, const ServerKnobs& knobs, bool send);

    asio::io_context& io_;
    Knobs knobs_;
    EventSink sink_;
    std::list<Listener> listeners_;                          // stable addresses for the handlers
    std::set<std::shared_ptr<asio::steady_timer>> delayed_;  // answers held by the delay knob
};

std::string to_string(const asio::ip::udp::endpoint& endpoint);

}  // namespace hnbsec::timeserver
