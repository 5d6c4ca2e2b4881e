#include "proto/esp/ts_match.h"

#include <algorithm>

namespace hnbsec::esp {
namespace {

// Addresses compare as big-endian octet strings of equal length.
bool in_range(const Bytes& address, const ike::Bytes& start, const ike::Bytes& end) {
    if (start.size() != address.size() || end.size() != address.size()) return false;
    return !std::lexicographical_compare(address.begin(), address.end(), start.begin(), start.end()) &&
           !std::lexicographical_compare(end.begin(), end.end(), address.begin(), address.end());
}

bool covers(const ike::TrafficSelector& ts, const InnerPacket& packet, PacketEnd end) {
    const bool v6 = ts.type == ike::TsType::kIpv6AddrRange;
    if (v6 != (packet.version == 6)) return false;
    const Bytes& address = end == PacketEnd::kSource ? packet.source : packet.destination;
    if (!in_range(address, ts.start_address, ts.end_address)) return false;
    if (ts.ip_protocol != 0 && ts.ip_protocol != packet.protocol) return false;
    const auto& port = end == PacketEnd::kSource ? packet.source_port : packet.destination_port;
    const bool any_port = ts.start_port == 0 && ts.end_port == 65535;
    if (any_port) return true;
    // A restricted port range needs a port (or ICMP type/code) to compare with.
    return port.has_value() && *port >= ts.start_port && *port <= ts.end_port;
}

}  // namespace

bool ts_covers(const std::vector<ike::TrafficSelector>& selectors, const InnerPacket& packet, PacketEnd end) {
    if (selectors.empty()) return true;
    return std::any_of(selectors.begin(), selectors.end(),
                       [&](const ike::TrafficSelector& ts) { return covers(ts, packet, end); });
}

}  // namespace hnbsec::esp
