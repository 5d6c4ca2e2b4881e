#include "proto/esp/inner_packet.h"

#include <array>
#include <charconv>
#include <string_view>

#include <arpa/inet.h>

#include "proto/wire/byte_reader.h"
#include "proto/wire/dotted_quad.h"
#include "proto/wire/hex.h"

namespace hnbsec::esp {
namespace {

constexpr std::uint8_t kIcmp = 1;
constexpr std::uint8_t kTcp = 6;
constexpr std::uint8_t kUdp = 17;
constexpr std::uint8_t kIcmpv6 = 58;

// The summary is built for every packet the data plane opens, so it is appended piecewise
// into one string with to_chars and a hand-written dotted quad: inet_ntop's sprintf and the
// temporaries of operator+ were a third of the time `hnbsec pcap inspect` spent per packet.
template <typename T>
void append_number(std::string& out, T value) {
    char text[24];
    const auto result = std::to_chars(text, text + sizeof text, value);
    out.append(text, static_cast<std::size_t>(result.ptr - text));
}

void append_address(std::string& out, ByteSpan address) {
    if (address.size() == 4) {
        wire::append_dotted_quad(out, address.data());
        return;
    }
    out += address_to_string(address);
}

void append_with_port(std::string& out, ByteSpan address, std::uint8_t version, std::uint16_t port) {
    // RFC 5952 §6: an IPv6 address with a port is written in brackets.
    if (version == 6) out += '[';
    append_address(out, address);
    out += version == 6 ? "]:" : ":";
    append_number(out, port);
}

// "<name> <src>:<port> > <dst>:<port>", the start of the UDP and TCP forms.
void start_ports_summary(std::string& out, std::string_view name, const InnerPacket& packet,
                         std::uint16_t source_port, std::uint16_t destination_port) {
    out += name;
    out += ' ';
    append_with_port(out, packet.source, packet.version, source_port);
    out += " > ";
    append_with_port(out, packet.destination, packet.version, destination_port);
}

// "<name> <src> > <dst> " into the summary, the common start of every other form.
void start_summary(std::string& out, std::string_view name, const InnerPacket& packet) {
    out += name;
    out += ' ';
    append_address(out, packet.source);
    out += " > ";
    append_address(out, packet.destination);
    out += ' ';
}

void append_tcp_flags(std::string& out, std::uint8_t flags) {
    static constexpr std::array<std::pair<std::uint8_t, char>, 6> kNames = {
        {{0x02, 'S'}, {0x01, 'F'}, {0x04, 'R'}, {0x08, 'P'}, {0x10, '.'}, {0x20, 'U'}}};
    out += '[';
    bool any = false;
    for (const auto& [bit, name] : kNames) {
        if ((flags & bit) != 0) {
            out += name;
            any = true;
        }
    }
    out += any ? "]" : "none]";
}

// Reads the upper-layer header (enough of it for ports or ICMP type/code) and, when asked,
// finishes the summary. `payload` is everything after the IP header(s), bounded by the IP length.
Status upper_layer(wire::ByteReader payload, InnerPacket& packet, bool summary) {
    std::string& s = packet.summary;
    switch (packet.protocol) {
        case kIcmp:
        case kIcmpv6: {
            const bool v6 = packet.protocol == kIcmpv6;
            HNBSEC_TRY(const std::uint8_t type, payload.u8("ICMP Type"));
            HNBSEC_TRY(const std::uint8_t code, payload.u8("ICMP Code"));
            // RFC 7296 §3.13.1: for ICMP, Type (high octet) and Code (low octet) form the
            // 16-bit "port" that traffic selectors filter on.
            const auto type_code = static_cast<std::uint16_t>((type << 8) | code);
            packet.source_port = type_code;
            packet.destination_port = type_code;
            const std::uint8_t request = v6 ? 128 : 8;
            const std::uint8_t reply = v6 ? 129 : 0;
            if (type == request || type == reply) {
                HNBSEC_CHECK(payload.skip(2, "ICMP Checksum"));
                HNBSEC_TRY(const std::uint16_t id, payload.u16("ICMP Identifier"));
                HNBSEC_TRY(const std::uint16_t seq, payload.u16("ICMP Sequence Number"));
                if (!summary) return Ok{};
                start_summary(s, v6 ? "ICMPv6" : "ICMP", packet);
                s += type == request ? "echo-request id " : "echo-reply id ";
                append_number(s, id);
                s += " seq ";
                append_number(s, seq);
            } else if (summary) {
                start_summary(s, v6 ? "ICMPv6" : "ICMP", packet);
                s += "type ";
                append_number(s, type);
                s += " code ";
                append_number(s, code);
            }
            return Ok{};
        }
        case kUdp: {
            HNBSEC_TRY(const std::uint16_t sport, payload.u16("UDP Source Port"));
            HNBSEC_TRY(const std::uint16_t dport, payload.u16("UDP Destination Port"));
            HNBSEC_TRY(const std::uint16_t length, payload.u16("UDP Length"));
            if (length < 8) return Error("UDP Length " + std::to_string(length) + " is below the header's 8");
            packet.source_port = sport;
            packet.destination_port = dport;
            if (!summary) return Ok{};
            start_ports_summary(s, "UDP", packet, sport, dport);
            s += " len ";
            append_number(s, length - 8);
            return Ok{};
        }
        case kTcp: {
            HNBSEC_TRY(const std::uint16_t sport, payload.u16("TCP Source Port"));
            HNBSEC_TRY(const std::uint16_t dport, payload.u16("TCP Destination Port"));
            HNBSEC_CHECK(payload.skip(8, "TCP Sequence and Acknowledgment Numbers"));
            HNBSEC_TRY(const std::uint8_t offset, payload.u8("TCP Data Offset"));
            HNBSEC_TRY(const std::uint8_t flags, payload.u8("TCP Flags"));
            const std::size_t header = static_cast<std::size_t>(offset >> 4) * 4;
            const std::size_t total = payload.remaining() + 14;
            if (header < 20 || header > total) {
                return Error("TCP Data Offset " + std::to_string(header) +
                             " octets does not fit the segment");
            }
            packet.source_port = sport;
            packet.destination_port = dport;
            if (!summary) return Ok{};
            start_ports_summary(s, "TCP", packet, sport, dport);
            s += ' ';
            append_tcp_flags(s, flags);
            s += " len ";
            append_number(s, total - header);
            return Ok{};
        }
        default:
            if (!summary) return Ok{};
            start_summary(s, packet.version == 6 ? "IPv6" : "IPv4", packet);
            s += "proto ";
            append_number(s, packet.protocol);
            s += " len ";
            append_number(s, payload.remaining());
            return Ok{};
    }
}

// After the IPv4 header: a later fragment carries no upper-layer header.
Status ipv4_payload(wire::ByteReader payload, std::uint16_t fragment, InnerPacket& packet, bool summary) {
    const std::uint16_t offset = fragment & 0x1fff;
    if (offset == 0) return upper_layer(payload, packet, summary);
    if (summary) {
        start_summary(packet.summary, "IPv4", packet);
        packet.summary += "proto ";
        append_number(packet.summary, packet.protocol);
        packet.summary += " fragment offset ";
        append_number(packet.summary, offset * 8);
    }
    return Ok{};
}

Status parse_ipv4(wire::ByteReader in, std::size_t available, InnerPacket& packet, bool summary) {
    packet.version = 4;
    const ByteSpan header = in.peek();
    if (header.size() >= 20 && (header[0] & 0x0f) == 5) {
        // The common header without options and with a Total Length that fits: its fields at
        // their RFC 791 §3.1 offsets without a bounds check each (every packet a capture's
        // reader decrypts comes here). Anything else goes field by field for the errors.
        const auto total = static_cast<std::uint16_t>((header[2] << 8) | header[3]);
        if (total >= 20 && total <= available) {
            packet.length = total;
            packet.protocol = header[9];
            packet.source.assign(header.begin() + 12, header.begin() + 16);
            packet.destination.assign(header.begin() + 16, header.begin() + 20);
            const auto fragment = static_cast<std::uint16_t>((header[6] << 8) | header[7]);
            return ipv4_payload(wire::ByteReader(header.subspan(20, total - 20U), in.offset() + 20), fragment,
                                packet, summary);
        }
    }
    HNBSEC_TRY(const std::uint8_t version_ihl, in.u8("IPv4 Version/IHL"));
    const std::size_t ihl = static_cast<std::size_t>(version_ihl & 0x0f) * 4;
    if (ihl < 20) return Error("IPv4 IHL " + std::to_string(ihl) + " octets is below the minimum 20");
    HNBSEC_CHECK(in.skip(1, "IPv4 DSCP/ECN"));
    HNBSEC_TRY(const std::uint16_t total, in.u16("IPv4 Total Length"));
    if (total < ihl || total > available) {
        return Error("IPv4 Total Length " + std::to_string(total) + " does not fit the " +
                     std::to_string(available) + " octets received (IHL " + std::to_string(ihl) + ")");
    }
    packet.length = total;
    HNBSEC_CHECK(in.skip(2, "IPv4 Identification"));
    HNBSEC_TRY(const std::uint16_t fragment, in.u16("IPv4 Flags/Fragment Offset"));
    HNBSEC_CHECK(in.skip(1, "IPv4 TTL"));
    HNBSEC_TRY(packet.protocol, in.u8("IPv4 Protocol"));
    HNBSEC_CHECK(in.skip(2, "IPv4 Header Checksum"));
    HNBSEC_TRY(auto src, in.bytes(4, "IPv4 Source Address"));
    HNBSEC_TRY(auto dst, in.bytes(4, "IPv4 Destination Address"));
    packet.source.assign(src.begin(), src.end());
    packet.destination.assign(dst.begin(), dst.end());
    HNBSEC_CHECK(in.skip(ihl - 20, "IPv4 Options"));
    HNBSEC_TRY(wire::ByteReader payload, in.sub(total - ihl, "IPv4 payload"));
    return ipv4_payload(payload, fragment, packet, summary);
}

Status parse_ipv6(wire::ByteReader in, std::size_t available, InnerPacket& packet, bool summary) {
    packet.version = 6;
    HNBSEC_CHECK(in.skip(4, "IPv6 Version/Traffic Class/Flow Label"));
    HNBSEC_TRY(const std::uint16_t payload_length, in.u16("IPv6 Payload Length"));
    HNBSEC_TRY(std::uint8_t next, in.u8("IPv6 Next Header"));
    HNBSEC_CHECK(in.skip(1, "IPv6 Hop Limit"));
    HNBSEC_TRY(auto src, in.bytes(16, "IPv6 Source Address"));
    HNBSEC_TRY(auto dst, in.bytes(16, "IPv6 Destination Address"));
    packet.source.assign(src.begin(), src.end());
    packet.destination.assign(dst.begin(), dst.end());
    if (40U + payload_length > available) {
        return Error("IPv6 Payload Length " + std::to_string(payload_length) + " does not fit the " +
                     std::to_string(available) + " octets received");
    }
    packet.length = 40U + payload_length;
    HNBSEC_TRY(wire::ByteReader payload, in.sub(payload_length, "IPv6 payload"));
    // Extension headers (RFC 8200 §4) until the upper layer; a bounded number of them.
    for (int hops = 0; hops < 8; ++hops) {
        if (next == 0 || next == 43 || next == 60) {  // Hop-by-Hop, Routing, Destination Options
            HNBSEC_TRY(next, payload.u8("IPv6 extension Next Header"));
            HNBSEC_TRY(const std::uint8_t length, payload.u8("IPv6 extension Hdr Ext Len"));
            HNBSEC_CHECK(payload.skip(static_cast<std::size_t>(length) * 8 + 6, "IPv6 extension header"));
        } else if (next == 44) {  // Fragment
            HNBSEC_TRY(next, payload.u8("IPv6 Fragment Next Header"));
            HNBSEC_CHECK(payload.skip(1, "IPv6 Fragment Reserved"));
            HNBSEC_TRY(const std::uint16_t offset, payload.u16("IPv6 Fragment Offset"));
            HNBSEC_CHECK(payload.skip(4, "IPv6 Fragment Identification"));
            if ((offset >> 3) != 0) {
                packet.protocol = next;
                if (summary) {
                    start_summary(packet.summary, "IPv6", packet);
                    packet.summary += "proto ";
                    append_number(packet.summary, next);
                    packet.summary += " fragment offset ";
                    append_number(packet.summary, offset & 0xfff8);
                }
                return Ok{};
            }
        } else {
            break;
        }
    }
    packet.protocol = next;
    return upper_layer(payload, packet, summary);
}

}  // namespace

Status parse_inner_packet(ByteSpan packet, InnerPacket& out, bool summary) {
    out.protocol = 0;
    out.source_port.reset();
    out.destination_port.reset();
    out.length = 0;
    out.summary.clear();
    if (packet.empty()) return Error("inner packet is empty");
    const std::uint8_t version = packet[0] >> 4;
    if (version != 4 && version != 6) {
        return Error("inner packet has IP version " + std::to_string(version) + ", expected 4 or 6");
    }
    const wire::ByteReader in(packet);
    Status parsed = version == 4 ? parse_ipv4(in, packet.size(), out, summary)
                                 : parse_ipv6(in, packet.size(), out, summary);
    if (!parsed.ok())
        return std::move(parsed).error().context("decoding the inner IPv" + std::to_string(version) +
                                                 " packet");
    return Ok{};
}

Result<InnerPacket> parse_inner_packet(ByteSpan packet) {
    InnerPacket parsed;
    parsed.summary.reserve(96);  // one allocation for the summary instead of a few growths
    HNBSEC_CHECK(parse_inner_packet(packet, parsed, true));
    return parsed;
}

std::string summarise_inner_packet(ByteSpan packet) {
    auto parsed = parse_inner_packet(packet);
    if (!parsed.ok()) return "malformed: " + parsed.error().what();
    return std::move(parsed->summary);
}

std::string address_to_string(ByteSpan address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    if (address.size() == 4) {
        std::string out;
        append_address(out, address);
        return out;
    }
    if (address.size() == 16 && inet_ntop(AF_INET6, address.data(), text.data(), text.size()) != nullptr) {
        return text.data();
    }
    return wire::to_hex(address);
}

}  // namespace hnbsec::esp
