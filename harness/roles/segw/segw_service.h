#pragma once
// The SeGW as a running service: UDP sockets on the IKE and NAT-T ports, the IKE
// responder behind them, its retransmission timer, and a sink for every event. One
// thread (an asio io_context); `hnbsec segw` runs it until interrupted, tests stop it.
//
// Key export (Wireshark decryption tables) is an explicit opt-in: only when a keys
// folder is given are the SAs' keys written, with mode 0600.

#include <array>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>

#include <asio.hpp>

#include "core/result.h"
#include "harness/roles/segw/segw_setup.h"
#include "proto/ike/sa/responder.h"

namespace hnbsec::segw {

struct ServiceOptions {
    std::uint16_t ike_port = ike::kIkePort;
    std::uint16_t natt_port = ike::kNatTPort;
    std::optional<std::filesystem::path> keys_dir;  // opt-in Wireshark key export
    bool stop_on_signal = true;                     // SIGINT/SIGTERM end run()
};

class SegwService {
public:
    using EventSink = std::function<void(const ike::Event&)>;

    SegwService(SegwSetup setup, ServiceOptions options, EventSink sink);

    // Opens both sockets; fails with the address and the reason (in use, not local, ...).
    Status bind();
    // Serves until stop() or a signal; returns when the loop has ended.
    void run();
    // Safe from any thread.
    void stop();

    ike::IkeResponder& responder() { return responder_; }

private:
    // One UDP socket with its own receive buffer (two receives are outstanding at once).
    struct Listener {
        explicit Listener(asio::io_context& io, std::uint16_t p) : socket(io), port(p) {}
        asio::ip::udp::socket socket;
        std::uint16_t port;
        std::array<std::uint8_t, 65536> buffer{};
        asio::ip::udp::endpoint sender;
    };

    void receive(Listener& listener);
    void deliver(ike::Output output);
    void arm_timer();
    void export_keys();

    SegwSetup setup_;
    ServiceOptions options_;
    EventSink sink_;
    ike::IkeResponder responder_;
    asio::io_context io_;
    Listener ike_;
    Listener natt_;
    asio::steady_timer timer_;
    asio::signal_set signals_;
    asio::ip::address local_address_;
};

}  // namespace hnbsec::segw
