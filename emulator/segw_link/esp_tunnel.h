#pragma once
// The device's ESP data plane (RFC 4303, tunnel mode): the ESP SAs of the Child SAs the
// IKE SA holds. Outbound uses the newest Child SA (after a rekey, RFC 7296 §2.8, the new
// one); inbound finds the SA by SPI, so the old one still opens packets in flight until
// its DELETE. Transport-free: the link moves the bytes.

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/esp/esp_sa.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::emulator {

class EspTunnel {
public:
    // Installs Child SAs not seen yet and removes the ones no longer held. Returns one
    // line per change ("ESP SA installed: in 0x.. out 0x.. AES-GCM-16 ...") or failure.
    std::vector<std::string> sync(const std::vector<ike::ChildSa>& children, ike::TimePoint now);

    // The ESP packet for an inner packet read from the TUN device.
    Result<esp::Bytes> seal(esp::ByteSpan inner, ike::TimePoint now);
    // An ESP packet from UDP 4500. `replay_check` false (defect no-esp-replay-check) opens
    // it with a fresh window, so replays and old packets pass.
    esp::InboundResult open(esp::ByteSpan packet, ike::TimePoint now, bool replay_check);

    std::size_t size() const { return children_.size(); }

private:
    struct Child {
        std::uint64_t order = 0;
        esp::OutboundSa outbound;
        esp::InboundSa inbound;
    };
    std::map<std::uint32_t, Child> children_;  // by inbound SPI
    std::uint64_t next_order_ = 0;
};

}  // namespace hnbsec::emulator
