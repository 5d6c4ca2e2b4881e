#pragma once
// ESP on the wire: inside UDP port 4500 (RFC 3948) and, in captures from real labs, raw as
// IP protocol 50 (RFC 4303 §2). Classification and framing only; no keys involved.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "proto/esp/types.h"

namespace hnbsec::esp {

inline constexpr std::uint16_t kUdpEncapsulationPort = 4500;  // RFC 3948 §2
inline constexpr std::uint8_t kIpProtocolEsp = 50;
inline constexpr std::uint8_t kIpProtocolUdp = 17;
// SPI and Sequence Number: the least an ESP packet carries before its payload (RFC 4303 §2).
inline constexpr std::size_t kEspHeaderSize = 8;

enum class Udp4500Kind : std::uint8_t {
    kNatKeepalive,  // exactly one octet 0xFF (RFC 3948 §2.3)
    kIke,           // the 4-octet non-ESP marker (zeros) and an IKE message (RFC 3948 §2.2)
    kEsp,           // first 4 octets a non-zero SPI (RFC 3948 §2.1)
    kMalformed,     // none of them; RFC 3948 receivers drop it
};

std::string_view udp4500_kind_name(Udp4500Kind kind);  // "NAT-keepalive", "IKE", "ESP", "malformed"

struct Udp4500Payload {
    Udp4500Kind kind = Udp4500Kind::kMalformed;
    ByteSpan packet;     // kIke: after the marker; kEsp: the whole ESP packet; else empty
    std::string reason;  // kMalformed: why
};

// Classifies the payload of a UDP datagram received on port 4500.
Udp4500Payload classify_udp4500(ByteSpan udp_payload);

// The UDP payload that carries `esp` on port 4500: the ESP packet itself, no marker
// (RFC 3948 §2.1). Fails for a packet whose first 4 octets would read as a marker.
Result<Bytes> esp_udp_payload(ByteSpan esp);

// An ESP packet found in an IP packet of a capture.
struct EspInIp {
    std::uint8_t ip_version = 4;
    Bytes source;  // outer addresses
    Bytes destination;
    bool udp_encapsulated = false;  // inside UDP (either port 4500) rather than protocol 50
    std::uint16_t source_port = 0;  // when udp_encapsulated
    std::uint16_t destination_port = 0;
    ByteSpan esp;  // points into the decoded packet
};

// The ESP packet in an IPv4 or IPv6 packet: protocol 50 directly (IPv6: after
// Hop-by-Hop/Routing/Destination Options headers), or UDP with an ESP payload on port
// 4500. Errors name what is not there (not ESP, a non-first fragment, truncated).
Result<EspInIp> decode_esp_in_ip(ByteSpan ip_packet);

}  // namespace hnbsec::esp
