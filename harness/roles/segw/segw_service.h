#pragma once
// The SeGW as a running service: UDP sockets on the IKE and NAT-T ports, the IKE
// responder behind them, its retransmission timer, and a sink for every event. One
// thread (an asio io_context); `hnbsec segw` runs it until interrupted, tests stop it.
//
// With a TUN device (the core network's, see harness/net) it is also the tunnel's end:
// ESP on port 4500 goes through SegwTunnel into the TUN, and what the core network routes
// into the TUN goes back to the devices as ESP. Without one, ESP packets are still opened
// and reported, but their inner packets go nowhere.
//
// Key export (Wireshark decryption tables) is an explicit opt-in: only when a keys
// folder is given are the SAs' keys written, with mode 0600.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <variant>

#include <asio.hpp>

#include "core/result.h"
#include "harness/roles/segw/segw_setup.h"
#include "harness/roles/segw/segw_tunnel.h"
#include "proto/ike/sa/responder.h"

namespace hnbsec::segw {

// What the SeGW reports: the IKE layer's events, the tunnel's, and the OCSP answer for each
// device certificate checked (before the AuthResult it leads to).
using SegwEvent = std::variant<ike::Event, TunnelEvent, OcspOutcome>;
std::string to_string(const SegwEvent& event);

struct ServiceOptions {
    std::uint16_t ike_port = ike::kIkePort;
    std::uint16_t natt_port = ike::kNatTPort;
    // Sockets already bound (e.g. inside the harness's public network namespace); the
    // service takes them over instead of binding listen_address:port itself.
    std::optional<int> ike_socket_fd;
    std::optional<int> natt_socket_fd;
    // The core network's TUN device (non-blocking, IFF_TUN|IFF_NO_PI); the service owns it.
    std::optional<int> tun_fd;
    esp::EspSaOptions esp;                          // replay window, lifetimes
    std::optional<std::filesystem::path> keys_dir;  // opt-in Wireshark key export
    bool stop_on_signal = true;                     // SIGINT/SIGTERM end run()
    // Test knob (HNB-REQ-IKE-013 stimulus): every ESP packet to a device is sent twice, the
    // copy with the same sequence number, so a device without anti-replay delivers it twice.
    bool replay_to_device = false;
};

class SegwService {
public:
    using EventSink = std::function<void(const SegwEvent&)>;

    SegwService(SegwSetup setup, ServiceOptions options, EventSink sink);
    ~SegwService();
    SegwService(const SegwService&) = delete;
    SegwService& operator=(const SegwService&) = delete;

    // Opens both sockets; fails with the address and the reason (in use, not local, ...).
    Status bind();
    // Serves until stop() or a signal; returns when the loop has ended.
    void run();
    // Safe from any thread.
    void stop();
    // Sends a liveness check (an empty INFORMATIONAL request, RFC 7296 §2.4) on every
    // established IKE SA; their answers, or the lack of them, become events. Any thread.
    void check_liveness();
    // Deletes every established IKE SA (an INFORMATIONAL DELETE to each device). Any thread.
    void delete_ike_sas();

    ike::IkeResponder& responder() { return responder_; }
    // The ports the sockets are bound to (useful after binding port 0).
    std::uint16_t ike_port() const { return ike_.port; }
    std::uint16_t natt_port() const { return natt_.port; }

private:
    // One UDP socket with its own receive buffer (two receives are outstanding at once).
    struct Listener {
        explicit Listener(asio::io_context& io, std::uint16_t p) : socket(io), port(p) {}
        asio::ip::udp::socket socket;
        std::uint16_t port;
        std::array<std::uint8_t, 65536> buffer{};
        asio::ip::udp::endpoint sender;
    };

    Status open_listener(Listener& listener, std::optional<int> fd);
    void receive(Listener& listener);
    void on_datagram(Listener& listener, std::size_t size);
    void deliver(ike::Output output);
    // Runs `act` on the loop for every established IKE SA and delivers what it produces.
    void for_each_established(std::function<ike::Output(ike::IkeSa&, ike::TimePoint)> act);
    void arm_timer();
    void arm_lifetime_timer();
    void read_tun();
    void export_keys();

    SegwSetup setup_;
    ServiceOptions options_;
    EventSink sink_;
    ike::IkeResponder responder_;
    asio::io_context io_;
    Listener ike_;
    Listener natt_;
    asio::steady_timer timer_;
    asio::steady_timer lifetime_timer_;
    asio::signal_set signals_;
    asio::ip::address local_address_;
    SegwTunnel tunnel_;
    std::optional<asio::posix::stream_descriptor> tun_;
    std::array<std::uint8_t, 65536> tun_buffer_{};
};

}  // namespace hnbsec::segw
