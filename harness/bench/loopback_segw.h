#pragma once
// The SeGW service (`hnbsec segw`'s SegwService, real UDP sockets on ports 500 and 4500)
// on a loopback address of its own, run on a thread, and a client that drives our
// IkeInitiator against it through two UDP sockets: the benchmark's "on loopback" mode.
// Binding ports 500/4500 needs root (or CAP_NET_BIND_SERVICE); a private 127.x.y.z
// address keeps it clear of any other IKE daemon on the machine.

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/result.h"
#include "harness/roles/segw/segw_service.h"
#include "proto/ike/sa/initiator.h"

namespace hnbsec::bench {

class LoopbackSegw {
public:
    // Binds the service to `address` (ports 500 and 4500) and starts its thread.
    static Result<std::unique_ptr<LoopbackSegw>> start(ike::IkeSaConfig config, const std::string& address);
    ~LoopbackSegw();
    LoopbackSegw(const LoopbackSegw&) = delete;
    LoopbackSegw& operator=(const LoopbackSegw&) = delete;

    // One handshake of a fresh initiator over the sockets; Ok when the initiator holds the
    // established IKE SA with its Child SA and CP address (the SeGW answered IKE_AUTH, so it
    // established first). Each wait for the SeGW is bounded by `timeout`.
    Status handshake(const ike::IkeSaConfig& initiator_config, std::chrono::milliseconds timeout);

    // Handshakes with `concurrency` initiators in flight at once (each with its own pair of
    // sockets), a new one started whenever one establishes, while `more(established)` says
    // so: the SeGW under load, its thread busy while this one does the initiators' work.
    // Returns how many established; fails on the first failure or silence of `timeout`.
    Result<std::size_t> handshakes(const ike::IkeSaConfig& initiator_config, std::size_t concurrency,
                                   const std::function<bool(std::size_t)>& more,
                                   std::chrono::milliseconds timeout);

private:
    LoopbackSegw() = default;
    std::string address_;
    std::unique_ptr<segw::SegwService> service_;
    std::thread thread_;
    // Per initiator slot: its port-500 socket and its port-4500 socket (after the NAT-T float).
    struct Slot {
        int socket_ike = -1;
        int socket_natt = -1;
        std::unique_ptr<ike::IkeInitiator> initiator;
    };
    Status add_slots(std::size_t count);
    std::vector<Slot> slots_;
};

}  // namespace hnbsec::bench
