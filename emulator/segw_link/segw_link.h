#pragma once
// SegwLink: the emulated H(e)NB's backhaul to its SeGW. One instance is one attempt:
// IKEv2 as original initiator (device certificate, key on the token), SeGW certificate
// validation (chain to the trust anchors, validity by the device clock, identity against
// the configured SeGW FQDN, revocation from the stapled OCSP response), CP request for the
// inner address, and a userspace ESP tunnel behind a TUN device in the current network
// namespace, so the kernel's own UDP/TCP (NTP, TLS) run through it. It answers liveness
// checks, honours the SeGW's rekeys and DELETEs. Re-establishing after a loss is the
// device's job: it starts a new SegwLink after its back-off.
//
// Runs on its own thread; every method is safe to call from another thread.

#include <chrono>
#include <ctime>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "core/result.h"
#include "emulator/config/henb_config.h"
#include "emulator/defects/defect.h"
#include "emulator/log/console_log.h"

namespace hnbsec::emulator {

struct SegwLinkParams {
    const HenbConfig* config = nullptr;                   // outlives the link
    const DefectSet* defects = nullptr;                   // read when each step acts
    ConsoleLog* log = nullptr;                            // one line per IKE/ESP event of note
    EVP_PKEY* device_key = nullptr;                       // borrowed: the token key (libp11)
    std::vector<std::vector<std::uint8_t>> device_chain;  // DER, device certificate first
    std::function<std::time_t()> device_clock;            // validity checks use the device's time
};

struct TunnelInfo {
    std::string inner_address;  // from CP(CFG_REPLY), or the outer address without CP
    std::string tun_interface;
};

class SegwLink {
public:
    // Opens the UDP sockets (500 and 4500 on the backhaul address) and starts IKE_SA_INIT.
    static Result<std::unique_ptr<SegwLink>> start(SegwLinkParams params);
    virtual ~SegwLink() = default;

    // Waits until the IKE SA and the CHILD SA are up and the TUN carries the inner
    // address and routes to the remote networks. An error says why the attempt failed
    // (AUTHENTICATION_FAILED, certificate refused, timeout ...).
    virtual Result<TunnelInfo> wait_up(std::chrono::milliseconds timeout) = 0;
    // Waits until an established link is lost (peer DELETE, retransmissions exhausted,
    // close()); returns the reason. An error when `timeout` passes with the link still up.
    virtual Result<std::string> wait_down(std::chrono::milliseconds timeout) = 0;
    virtual bool up() const = 0;
    // Ends the link: with `send_delete`, an INFORMATIONAL DELETE of the IKE SA first
    // (answer awaited up to 2 s); then the tunnel stops and the TUN device goes away.
    virtual void close(bool send_delete) = 0;
};

}  // namespace hnbsec::emulator
