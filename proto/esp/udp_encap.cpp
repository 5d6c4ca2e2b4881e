#include "proto/esp/udp_encap.h"

#include "proto/wire/byte_reader.h"

namespace hnbsec::esp {
namespace {

// IKE header size (RFC 7296 §3.1): the least that can follow the non-ESP marker.
constexpr std::size_t kIkeHeaderSize = 28;
constexpr std::size_t kNonEspMarkerSize = 4;

bool zero_marker(ByteSpan bytes) {
    return bytes.size() >= kNonEspMarkerSize && bytes[0] == 0 && bytes[1] == 0 && bytes[2] == 0 &&
           bytes[3] == 0;
}

Result<EspInIp> from_udp(wire::ByteReader udp, EspInIp found) {
    HNBSEC_TRY(found.source_port, udp.u16("UDP Source Port"));
    HNBSEC_TRY(found.destination_port, udp.u16("UDP Destination Port"));
    HNBSEC_TRY(const std::uint16_t length, udp.u16("UDP Length"));
    HNBSEC_CHECK(udp.skip(2, "UDP Checksum"));
    if (length < 8 || length - 8U > udp.remaining()) {
        return Error("UDP Length " + std::to_string(length) + " does not fit the " +
                     std::to_string(udp.remaining() + 8) + " octets of the datagram");
    }
    if (found.source_port != kUdpEncapsulationPort && found.destination_port != kUdpEncapsulationPort) {
        return Error("UDP " + std::to_string(found.source_port) + " > " +
                     std::to_string(found.destination_port) +
                     " is not on port 4500, where RFC 3948 carries ESP");
    }
    HNBSEC_TRY(auto payload, udp.bytes(length - 8U, "UDP payload"));
    const Udp4500Payload classified = classify_udp4500(payload);
    if (classified.kind != Udp4500Kind::kEsp) {
        return Error("UDP port 4500 payload is " + std::string(udp4500_kind_name(classified.kind)) +
                     ", not ESP");
    }
    found.udp_encapsulated = true;
    found.esp = classified.packet;
    return found;
}

Result<EspInIp> from_transport(std::uint8_t protocol, wire::ByteReader payload, EspInIp found) {
    if (protocol == kIpProtocolUdp) return from_udp(payload, std::move(found));
    if (protocol != kIpProtocolEsp) {
        return Error("IP protocol " + std::to_string(protocol) + " is neither ESP (50) nor UDP (17)");
    }
    if (payload.remaining() < kEspHeaderSize) {
        return Error("ESP packet of " + std::to_string(payload.remaining()) +
                     " octets is shorter than SPI and Sequence Number (8)");
    }
    found.esp = payload.rest();
    return found;
}

Result<EspInIp> from_ipv4(wire::ByteReader in, std::size_t available) {
    EspInIp found;
    found.ip_version = 4;
    HNBSEC_TRY(const std::uint8_t version_ihl, in.u8("IPv4 Version/IHL"));
    const std::size_t ihl = static_cast<std::size_t>(version_ihl & 0x0f) * 4;
    if (ihl < 20) return Error("IPv4 IHL " + std::to_string(ihl) + " is below 20");
    HNBSEC_CHECK(in.skip(1, "IPv4 DSCP/ECN"));
    HNBSEC_TRY(const std::uint16_t total, in.u16("IPv4 Total Length"));
    if (total < ihl || total > available) {
        return Error("IPv4 Total Length " + std::to_string(total) + " does not fit the " +
                     std::to_string(available) + " octets captured");
    }
    HNBSEC_CHECK(in.skip(2, "IPv4 Identification"));
    HNBSEC_TRY(const std::uint16_t fragment, in.u16("IPv4 Flags/Fragment Offset"));
    if ((fragment & 0x1fff) != 0) return Error("IPv4 non-first fragment carries no ESP header");
    HNBSEC_CHECK(in.skip(1, "IPv4 TTL"));
    HNBSEC_TRY(const std::uint8_t protocol, in.u8("IPv4 Protocol"));
    HNBSEC_CHECK(in.skip(2, "IPv4 Header Checksum"));
    HNBSEC_TRY(auto src, in.bytes(4, "IPv4 Source Address"));
    HNBSEC_TRY(auto dst, in.bytes(4, "IPv4 Destination Address"));
    found.source.assign(src.begin(), src.end());
    found.destination.assign(dst.begin(), dst.end());
    HNBSEC_CHECK(in.skip(ihl - 20, "IPv4 Options"));
    HNBSEC_TRY(wire::ByteReader payload, in.sub(total - ihl, "IPv4 payload"));
    return from_transport(protocol, payload, std::move(found));
}

Result<EspInIp> from_ipv6(wire::ByteReader in) {
    EspInIp found;
    found.ip_version = 6;
    HNBSEC_CHECK(in.skip(4, "IPv6 Version/Traffic Class/Flow Label"));
    HNBSEC_TRY(const std::uint16_t payload_length, in.u16("IPv6 Payload Length"));
    HNBSEC_TRY(std::uint8_t next, in.u8("IPv6 Next Header"));
    HNBSEC_CHECK(in.skip(1, "IPv6 Hop Limit"));
    HNBSEC_TRY(auto src, in.bytes(16, "IPv6 Source Address"));
    HNBSEC_TRY(auto dst, in.bytes(16, "IPv6 Destination Address"));
    found.source.assign(src.begin(), src.end());
    found.destination.assign(dst.begin(), dst.end());
    HNBSEC_TRY(wire::ByteReader payload, in.sub(payload_length, "IPv6 payload"));
    for (int hops = 0; hops < 8 && (next == 0 || next == 43 || next == 60); ++hops) {
        HNBSEC_TRY(next, payload.u8("IPv6 extension Next Header"));
        HNBSEC_TRY(const std::uint8_t length, payload.u8("IPv6 extension Hdr Ext Len"));
        HNBSEC_CHECK(payload.skip(static_cast<std::size_t>(length) * 8 + 6, "IPv6 extension header"));
    }
    return from_transport(next, payload, std::move(found));
}

}  // namespace

std::string_view udp4500_kind_name(Udp4500Kind kind) {
    switch (kind) {
        case Udp4500Kind::kNatKeepalive:
            return "NAT-keepalive";
        case Udp4500Kind::kIke:
            return "IKE";
        case Udp4500Kind::kEsp:
            return "ESP";
        case Udp4500Kind::kMalformed:
            return "malformed";
    }
    return "unknown";
}

Udp4500Payload classify_udp4500(ByteSpan udp_payload) {
    Udp4500Payload out;
    if (udp_payload.size() == 1 && udp_payload[0] == 0xff) {
        out.kind = Udp4500Kind::kNatKeepalive;
        return out;
    }
    if (zero_marker(udp_payload)) {
        if (udp_payload.size() < kNonEspMarkerSize + kIkeHeaderSize) {
            out.reason = "non-ESP marker followed by " +
                         std::to_string(udp_payload.size() - kNonEspMarkerSize) +
                         " octets, less than an IKE header (28)";
            return out;
        }
        out.kind = Udp4500Kind::kIke;
        out.packet = udp_payload.subspan(kNonEspMarkerSize);
        return out;
    }
    if (udp_payload.size() < kEspHeaderSize) {
        out.reason =
            std::to_string(udp_payload.size()) +
            " octets: neither a NAT-keepalive (one 0xFF) nor room for an ESP SPI and Sequence Number";
        return out;
    }
    out.kind = Udp4500Kind::kEsp;
    out.packet = udp_payload;
    return out;
}

Result<Bytes> esp_udp_payload(ByteSpan esp) {
    if (esp.size() < kEspHeaderSize) return Error("ESP packet shorter than SPI and Sequence Number");
    if (zero_marker(esp))
        return Error("ESP packet with SPI 0 would read as the non-ESP marker (RFC 3948 §2.2)");
    return Bytes(esp.begin(), esp.end());
}

Result<EspInIp> decode_esp_in_ip(ByteSpan ip_packet) {
    if (ip_packet.empty()) return Error("empty IP packet");
    const std::uint8_t version = ip_packet[0] >> 4;
    const wire::ByteReader in(ip_packet);
    Result<EspInIp> found = Error("");
    if (version == 4) {
        found = from_ipv4(in, ip_packet.size());
    } else if (version == 6) {
        found = from_ipv6(in);
    } else {
        return Error("IP version " + std::to_string(version) + " is neither 4 nor 6");
    }
    if (!found.ok())
        return std::move(found).error().context("looking for ESP in an IPv" + std::to_string(version) +
                                                " packet");
    return found;
}

}  // namespace hnbsec::esp
