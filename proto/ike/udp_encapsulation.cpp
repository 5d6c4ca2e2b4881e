#include "proto/ike/udp_encapsulation.h"

#include <algorithm>

namespace hnbsec::ike {
namespace {

constexpr std::size_t kNonEspMarkerSize = 4;
constexpr std::uint8_t kNatKeepalive = 0xff;
// SPI and Sequence Number, the fixed start of every ESP packet.
constexpr std::size_t kMinEspSize = 8;

}  // namespace

std::string_view udp4500_kind_name(Udp4500Kind kind) {
    switch (kind) {
        case Udp4500Kind::kIke:
            return "IKE";
        case Udp4500Kind::kNatKeepalive:
            return "NAT-keepalive";
        case Udp4500Kind::kEsp:
            return "ESP";
        case Udp4500Kind::kMalformed:
            return "malformed";
    }
    return "malformed";
}

Udp4500Datagram classify_udp4500(std::span<const std::uint8_t> datagram) {
    if (datagram.size() == 1 && datagram[0] == kNatKeepalive) return {Udp4500Kind::kNatKeepalive, {}};
    if (datagram.size() >= kNonEspMarkerSize &&
        std::all_of(datagram.begin(), datagram.begin() + kNonEspMarkerSize,
                    [](std::uint8_t b) { return b == 0; })) {
        return {Udp4500Kind::kIke, datagram.subspan(kNonEspMarkerSize)};
    }
    // A zero SPI is the marker, handled above; any other SPI is ESP (RFC 3948 §2.2).
    if (datagram.size() >= kMinEspSize) return {Udp4500Kind::kEsp, datagram};
    return {Udp4500Kind::kMalformed, {}};
}

Bytes with_non_esp_marker(std::span<const std::uint8_t> ike_message) {
    // Sized once and copied into, rather than insert() after a 4-byte vector: GCC 12
    // at -O2 misreads that insert as out of bounds (-Warray-bounds false positive).
    Bytes datagram(kNonEspMarkerSize + ike_message.size(), 0);
    std::copy(ike_message.begin(), ike_message.end(), datagram.begin() + kNonEspMarkerSize);
    return datagram;
}

}  // namespace hnbsec::ike
