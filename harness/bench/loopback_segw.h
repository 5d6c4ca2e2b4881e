#pragma once
// The SeGW service (`hnbsec segw`'s SegwService, real UDP sockets on ports 500 and 4500)
// on a loopback address of its own, run on a thread, and a client that drives our
// IkeInitiator against it through two UDP sockets: the benchmark's "on loopback" mode.
// Binding ports 500/4500 needs root (or CAP_NET_BIND_SERVICE); a private 127.x.y.z
// address keeps it clear of any other IKE daemon on the machine.

#include <memory>
#include <string>
#include <thread>

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

private:
    LoopbackSegw() = default;
    std::string address_;
    std::unique_ptr<segw::SegwService> service_;
    std::thread thread_;
    int socket_ike_ = -1;   // the initiator's port-500 socket
    int socket_natt_ = -1;  // its port-4500 socket (after the NAT-T float)
};

}  // namespace hnbsec::bench
