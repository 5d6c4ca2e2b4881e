#pragma once
// Does an inner packet fall under an SA's traffic selectors (RFC 4301 §4.4.1.1, §5.2 step
// 4; RFC 7296 §3.13.1)? Inbound, RFC 4301 requires the receiver to check that a decrypted
// packet's selectors match the SA: its source must lie in the peer's TS and its
// destination in ours.

#include <vector>

#include "proto/esp/inner_packet.h"
#include "proto/ike/payloads.h"

namespace hnbsec::esp {

enum class PacketEnd : std::uint8_t { kSource, kDestination };

// True when one of `selectors` covers the packet's address (and protocol, and port where the
// packet has one) at `end`. An empty list matches everything (no selectors configured).
bool ts_covers(const std::vector<ike::TrafficSelector>& selectors, const InnerPacket& packet, PacketEnd end);

}  // namespace hnbsec::esp
