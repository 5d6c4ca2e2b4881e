#pragma once
// What arrived on UDP port 4500 (RFC 3948 §2, RFC 7296 §2.23): IKE behind the 4-octet
// non-ESP marker, a one-octet NAT-keepalive, or an ESP packet.

#include <cstdint>
#include <span>
#include <string_view>

#include "proto/ike/payloads.h"

namespace hnbsec::ike {

enum class Udp4500Kind {
    kIke,           // starts with the non-ESP marker (four zero octets)
    kNatKeepalive,  // exactly one octet, 0xFF (RFC 3948 §2.3)
    kEsp,           // anything else with room for SPI and Sequence Number (RFC 4303 §2)
    kMalformed,     // too short to be any of them; RFC 3948 receivers drop these
};

std::string_view udp4500_kind_name(Udp4500Kind kind);

struct Udp4500Datagram {
    Udp4500Kind kind = Udp4500Kind::kMalformed;
    // kIke: the IKE message after the marker; kEsp: the whole ESP packet; else empty.
    // Points into the classified datagram.
    std::span<const std::uint8_t> packet;
};

Udp4500Datagram classify_udp4500(std::span<const std::uint8_t> datagram);

// The marker followed by the IKE message, ready to send on port 4500.
Bytes with_non_esp_marker(std::span<const std::uint8_t> ike_message);

}  // namespace hnbsec::ike
