#include "pcap/dissect/dissector.h"

#include <deque>
#include <string>
#include <utility>

#include "pcap/dissect/app_decode.h"
#include "pcap/dissect/hex_text.h"
#include "pcap/dissect/ike_dissect.h"
#include "pcap/dissect/ip_reassembly.h"
#include "pcap/dissect/summary.h"
#include "pcap/dissect/tcp_streams.h"
#include "proto/ike/udp_encapsulation.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::pcap {
namespace {

using Bytes = std::span<const std::uint8_t>;
using wire::ByteReader;

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86dd;
constexpr std::uint16_t kEtherVlan = 0x8100;
constexpr std::uint16_t kEtherQinQ = 0x88a8;
constexpr std::uint8_t kProtoIcmp = 1;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint8_t kProtoEsp = 50;
constexpr std::uint8_t kProtoIcmpv6 = 58;
constexpr std::uint16_t kPortIke = 500;
constexpr std::uint16_t kPortNatT = 4500;
constexpr std::uint16_t kPortNtp = 123;

// Network-order loads for fixed headers whose length was checked once beforehand: the hot
// path of every packet, where a bounds check per field (ByteReader) cost more than the
// dissection itself. Short or unusual headers still go through ByteReader for its errors.
std::uint16_t be16(const std::uint8_t* p) {
    return static_cast<std::uint16_t>((std::uint16_t{p[0]} << 8) | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) {
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

struct Dissector::State {
    IkeDissector ike;
    IpReassembly ip_fragments;
    TcpStreams tcp;
    EspDecryptor* esp = nullptr;
    bool summaries = true;
    std::vector<std::uint8_t> reassembled;  // the last reassembled IP payload
    // TLS handshake layer per flow direction, as many flows as TcpStreams keeps (oldest dropped).
    std::deque<std::pair<TcpStreams::FlowKey, TlsHandshakeStream>> tls_flows;

    TlsHandshakeStream& tls_flow(const TcpStreams::FlowKey& key);

    void link(LinkType type, Bytes frame, PacketDissection& d);
    void ether_payload(std::uint16_t ether_type, Bytes payload, PacketDissection& d);
    void ip(Bytes packet, PacketDissection& d);
    void ipv4(Bytes packet, PacketDissection& d);
    void ipv6(Bytes packet, PacketDissection& d);
    void transport(std::uint8_t protocol, Bytes payload, PacketDissection& d);
    void udp(Bytes segment, PacketDissection& d);
    void tcp_segment(Bytes segment, PacketDissection& d);
    void esp_packet(Bytes packet, bool udp_encapsulated, PacketDissection& d);
    void stream(TcpStreams::FlowKey key, std::vector<std::uint8_t>& buffer, PacketDissection& d);
};

TlsHandshakeStream& Dissector::State::tls_flow(const TcpStreams::FlowKey& key) {
    for (auto& [k, stream] : tls_flows) {
        if (k == key) return stream;
    }
    constexpr std::size_t kMaxTlsFlows = 64;
    if (tls_flows.size() >= kMaxTlsFlows) tls_flows.pop_front();
    tls_flows.emplace_back(key, TlsHandshakeStream{});
    return tls_flows.back().second;
}

void Dissector::State::link(LinkType type, Bytes frame, PacketDissection& d) {
    ByteReader r(frame);
    switch (type) {
        case LinkType::kEthernet: {
            d.layers.push_back(Layer::kEthernet);
            if (frame.size() >= 14) {  // untagged: addresses, then the EtherType (IEEE 802.3 §3.1)
                const std::uint16_t et = be16(frame.data() + 12);
                if (et != kEtherVlan && et != kEtherQinQ) {
                    ether_payload(et, frame.subspan(14), d);
                    return;
                }
            }
            auto header = r.skip(12, "Ethernet addresses");
            auto ether_type = r.u16("EtherType");
            if (!header.ok() || !ether_type.ok()) {
                d.error = "Ethernet header truncated";
                return;
            }
            std::uint16_t et = *ether_type;
            while (et == kEtherVlan || et == kEtherQinQ) {  // IEEE 802.1Q tags
                d.layers.push_back(Layer::kVlan);
                auto tci = r.skip(2, "VLAN TCI");
                auto inner = r.u16("EtherType");
                if (!tci.ok() || !inner.ok()) {
                    d.error = "VLAN tag truncated";
                    return;
                }
                et = *inner;
            }
            ether_payload(et, r.rest(), d);
            return;
        }
        case LinkType::kLinuxSll: {
            // Linux cooked v1: packet type, ARPHRD, address length, 8 address octets, protocol.
            d.layers.push_back(Layer::kLinuxSll);
            auto skip = r.skip(14, "SLL header");
            auto protocol = r.u16("SLL Protocol Type");
            if (!skip.ok() || !protocol.ok()) {
                d.error = "Linux cooked (SLL) header truncated";
                return;
            }
            ether_payload(*protocol, r.rest(), d);
            return;
        }
        case LinkType::kLinuxSll2: {
            // Linux cooked v2: protocol first, then reserved, ifindex, ARPHRD, type, addresses.
            d.layers.push_back(Layer::kLinuxSll2);
            auto protocol = r.u16("SLL2 Protocol Type");
            auto skip = r.skip(18, "SLL2 header");
            if (!protocol.ok() || !skip.ok()) {
                d.error = "Linux cooked (SLL2) header truncated";
                return;
            }
            ether_payload(*protocol, r.rest(), d);
            return;
        }
        case LinkType::kNull: {
            // BSD loopback: a 4-octet address family in the capturing host's byte order.
            if (frame.size() < 4) {
                d.error = "loopback header truncated";
                return;
            }
            ip(frame.subspan(4), d);
            return;
        }
        case LinkType::kRaw:
        case LinkType::kIpv4:
        case LinkType::kIpv6:
            ip(frame, d);
            return;
    }
    d.error = "link type " + std::to_string(static_cast<unsigned>(type)) + " is not dissected";
}

void Dissector::State::ether_payload(std::uint16_t ether_type, Bytes payload, PacketDissection& d) {
    if (ether_type == kEtherIpv4 || ether_type == kEtherIpv6) {
        ip(payload, d);
        return;
    }
    d.summary = "EtherType " + hex_digits(ether_type, 4, true);
}

void Dissector::State::ip(Bytes packet, PacketDissection& d) {
    if (packet.empty()) {
        d.error = "empty IP packet";
        return;
    }
    const unsigned version = packet[0] >> 4;
    if (version == 4) {
        ipv4(packet, d);
    } else if (version == 6) {
        ipv6(packet, d);
    } else {
        d.error = "IP version " + std::to_string(version) + " (expected 4 or 6)";
    }
}

void Dissector::State::ipv4(Bytes packet, PacketDissection& d) {
    d.layers.push_back(Layer::kIpv4);
    ByteReader r(packet);
    auto parse = [&]() -> Result<Bytes> {
        std::size_t ihl = 20;
        std::uint16_t total = 0;
        std::uint16_t id = 0;
        std::uint16_t frag = 0;
        Bytes src;
        Bytes dst;
        if (packet.size() >= 20 && (packet[0] & 0x0fU) == 5) {
            // The common header without options: fields at their RFC 791 §3.1 offsets.
            const std::uint8_t* h = packet.data();
            total = be16(h + 2);
            id = be16(h + 4);
            frag = be16(h + 6);
            d.ip_protocol = h[9];
            src = packet.subspan(12, 4);
            dst = packet.subspan(16, 4);
            r = ByteReader(packet.subspan(20), 20);  // past the header, as r.skip(20) but inline
        } else {
            HNBSEC_TRY(std::uint8_t ver_ihl, r.u8("IPv4 Version/IHL"));
            ihl = std::size_t{ver_ihl & 0x0fU} * 4U;
            if (ihl < 20) return Error("IPv4 IHL " + std::to_string(ihl / 4) + " is below 5");
            HNBSEC_CHECK(r.skip(1, "IPv4 Type of Service"));
            HNBSEC_TRY(total, r.u16("IPv4 Total Length"));
            HNBSEC_TRY(id, r.u16("IPv4 Identification"));
            HNBSEC_TRY(frag, r.u16("IPv4 Flags/Fragment Offset"));
            HNBSEC_CHECK(r.skip(1, "IPv4 TTL"));
            HNBSEC_TRY(d.ip_protocol, r.u8("IPv4 Protocol"));
            HNBSEC_CHECK(r.skip(2, "IPv4 Header Checksum"));
            HNBSEC_TRY(src, r.bytes(4, "IPv4 Source Address"));
            HNBSEC_TRY(dst, r.bytes(4, "IPv4 Destination Address"));
            HNBSEC_CHECK(r.skip(ihl - 20, "IPv4 Options"));
        }
        if (total < ihl) return Error("IPv4 Total Length " + std::to_string(total) + " is below the header");
        d.source.version = d.destination.version = 4;
        std::copy(src.begin(), src.end(), d.source.bytes.begin());
        std::copy(dst.begin(), dst.end(), d.destination.bytes.begin());
        // Ethernet pads short frames: the payload ends at Total Length (captures may be cut).
        Bytes payload = r.rest();
        if (payload.size() > total - ihl) payload = payload.first(total - ihl);
        const bool more = (frag & 0x2000U) != 0;
        const std::size_t offset = std::size_t{frag & 0x1fffU} * 8U;
        if (more || offset != 0) {
            d.layers.push_back(Layer::kIpFragment);
            IpReassembly::Key key;
            key.version = 4;
            key.source = d.source.bytes;
            key.destination = d.destination.bytes;
            key.id = id;
            key.protocol = d.ip_protocol;
            auto whole = ip_fragments.add(key, offset, more, payload);
            if (!whole) {
                d.summary = "IPv4 fragment id=" + std::to_string(id) + " offset=" + std::to_string(offset);
                return Bytes{};
            }
            reassembled = std::move(*whole);
            return Bytes(reassembled);
        }
        return payload;
    };
    auto payload = parse();
    if (!payload.ok()) {
        d.error = payload.error().message();
        return;
    }
    if (d.has(Layer::kIpFragment) && payload->empty()) return;
    transport(d.ip_protocol, *payload, d);
}

void Dissector::State::ipv6(Bytes packet, PacketDissection& d) {
    d.layers.push_back(Layer::kIpv6);
    ByteReader r(packet);
    auto parse = [&]() -> Result<Bytes> {
        HNBSEC_CHECK(r.skip(4, "IPv6 Version/Traffic Class/Flow Label"));
        HNBSEC_TRY(std::uint16_t length, r.u16("IPv6 Payload Length"));
        HNBSEC_TRY(std::uint8_t next, r.u8("IPv6 Next Header"));
        HNBSEC_CHECK(r.skip(1, "IPv6 Hop Limit"));
        HNBSEC_TRY(auto src, r.bytes(16, "IPv6 Source Address"));
        HNBSEC_TRY(auto dst, r.bytes(16, "IPv6 Destination Address"));
        d.source.version = d.destination.version = 6;
        std::copy(src.begin(), src.end(), d.source.bytes.begin());
        std::copy(dst.begin(), dst.end(), d.destination.bytes.begin());
        Bytes payload = r.rest();
        if (payload.size() > length) payload = payload.first(length);
        ByteReader p(payload);
        // Extension headers (RFC 8200 §4): hop-by-hop 0, routing 43, destination 60,
        // fragment 44 (reassembled below), AH 51 (RFC 4302 §2.2: length in 4-octet units).
        for (int hops = 0; hops < 16; ++hops) {
            if (next == 0 || next == 43 || next == 60 || next == 51) {
                HNBSEC_TRY(std::uint8_t after, p.u8("IPv6 extension Next Header"));
                HNBSEC_TRY(std::uint8_t len, p.u8("IPv6 extension Hdr Ext Len"));
                const std::size_t size = next == 51 ? (len + 2U) * 4U : (len + 1U) * 8U;
                HNBSEC_CHECK(p.skip(size - 2, "IPv6 extension header"));
                next = after;
            } else if (next == 44) {
                // Fragment header (RFC 8200 §4.5): the fragmentable part is reassembled
                // and the header chain continues in it. The Next Header of the fragment
                // that completes the packet is used (a well-formed sender repeats the first's).
                HNBSEC_TRY(std::uint8_t after, p.u8("IPv6 Fragment Next Header"));
                HNBSEC_CHECK(p.skip(1, "IPv6 Fragment Reserved"));
                HNBSEC_TRY(std::uint16_t off, p.u16("IPv6 Fragment Offset"));
                HNBSEC_TRY(std::uint32_t id, p.u32("IPv6 Fragment Identification"));
                next = after;
                if ((off & 0xfff9U) != 0) {  // not an atomic fragment (RFC 6946)
                    d.ip_protocol = next;
                    d.layers.push_back(Layer::kIpFragment);
                    IpReassembly::Key key;
                    key.version = 6;
                    key.source = d.source.bytes;
                    key.destination = d.destination.bytes;
                    key.id = id;
                    const std::size_t offset = static_cast<std::size_t>(off >> 3U) * 8U;
                    auto whole = ip_fragments.add(key, offset, (off & 1U) != 0, p.rest());
                    if (!whole) {
                        d.summary = "IPv6 fragment offset=" + std::to_string(offset);
                        return Bytes{};
                    }
                    reassembled = std::move(*whole);
                    p = ByteReader(reassembled);
                }
            } else {
                break;
            }
        }
        d.ip_protocol = next;
        return p.rest();
    };
    auto payload = parse();
    if (!payload.ok()) {
        d.error = payload.error().message();
        return;
    }
    if (d.has(Layer::kIpFragment) && payload->empty()) return;  // held for reassembly
    transport(d.ip_protocol, *payload, d);
}

void Dissector::State::transport(std::uint8_t protocol, Bytes payload, PacketDissection& d) {
    switch (protocol) {
        case kProtoUdp:
            udp(payload, d);
            return;
        case kProtoTcp:
            tcp_segment(payload, d);
            return;
        case kProtoEsp:
            esp_packet(payload, false, d);
            return;
        case kProtoIcmp:
            d.layers.push_back(Layer::kIcmp);
            return;
        case kProtoIcmpv6:
            d.layers.push_back(Layer::kIcmpv6);
            return;
        default:
            return;
    }
}

void Dissector::State::udp(Bytes segment, PacketDissection& d) {
    d.layers.push_back(Layer::kUdp);
    if (segment.size() < 8) {
        d.error = "UDP header truncated (" + std::to_string(segment.size()) + " of 8 bytes)";
        return;
    }
    // RFC 768: Source Port, Destination Port, Length, Checksum; 8 octets checked above.
    const std::uint16_t sport = be16(segment.data());
    const std::uint16_t dport = be16(segment.data() + 2);
    const std::uint16_t length = be16(segment.data() + 4);
    d.source_port = sport;
    d.destination_port = dport;
    if (length < 8) {
        d.error = "UDP Length " + std::to_string(length) + " is below the header size";
        return;
    }
    Bytes payload = segment.subspan(8);
    if (payload.size() > length - 8U) payload = payload.first(length - 8U);
    const auto either = [&](std::uint16_t port) { return sport == port || dport == port; };
    if (either(kPortNatT)) {
        // RFC 3948 §2: IKE after the non-ESP marker, a keepalive, or ESP.
        const auto classified = ike::classify_udp4500(payload);
        switch (classified.kind) {
            case ike::Udp4500Kind::kIke:
                d.layers.push_back(Layer::kIke);
                d.ike = ike.dissect(classified.packet, true);
                return;
            case ike::Udp4500Kind::kNatKeepalive:
                d.layers.push_back(Layer::kNatKeepalive);
                return;
            case ike::Udp4500Kind::kEsp:
                esp_packet(classified.packet, true, d);
                return;
            case ike::Udp4500Kind::kMalformed:
                d.error = "UDP 4500 payload of " + std::to_string(payload.size()) +
                          " bytes is neither IKE, NAT-keepalive nor ESP (RFC 3948 §2)";
                return;
        }
    }
    if (either(kPortIke)) {
        d.layers.push_back(Layer::kIke);
        d.ike = ike.dissect(payload, false);
        return;
    }
    if (either(kPortNtp)) {
        auto ntp = decode_ntp(payload);
        if (!ntp.ok()) {
            d.error = ntp.error().message();
            return;
        }
        d.layers.push_back(Layer::kNtp);
        d.ntp = *ntp;
    }
}

void Dissector::State::tcp_segment(Bytes segment, PacketDissection& d) {
    d.layers.push_back(Layer::kTcp);
    ByteReader r(segment);
    auto parse = [&]() -> Result<Bytes> {
        HNBSEC_TRY(d.source_port, r.u16("TCP Source Port"));
        HNBSEC_TRY(d.destination_port, r.u16("TCP Destination Port"));
        HNBSEC_TRY(std::uint32_t seq, r.u32("TCP Sequence Number"));
        HNBSEC_CHECK(r.skip(4, "TCP Acknowledgment Number"));
        HNBSEC_TRY(std::uint8_t offset, r.u8("TCP Data Offset"));
        HNBSEC_TRY(std::uint8_t flags, r.u8("TCP Flags"));
        const std::size_t header = static_cast<std::size_t>(offset >> 4U) * 4U;
        if (header < 20) return Error("TCP Data Offset " + std::to_string(offset >> 4) + " is below 5");
        HNBSEC_CHECK(r.skip(header - 14, "TCP header"));
        const bool syn = (flags & 0x02U) != 0;
        TcpStreams::FlowKey key{d.source, d.destination, d.source_port, d.destination_port};
        auto& buffer = tcp.add(key, seq, syn, r.rest());
        if (!buffer.empty()) stream(key, buffer, d);
        return Bytes{};
    };
    auto done = parse();
    if (!done.ok()) d.error = done.error().message();
}

// Consumes every complete TLS record or HTTP message at the front of the stream.
void Dissector::State::stream(TcpStreams::FlowKey key, std::vector<std::uint8_t>& buffer,
                              PacketDissection& d) {
    std::size_t used = 0;
    for (int guard = 0; guard < 1024 && used < buffer.size(); ++guard) {
        Bytes rest(buffer.data() + used, buffer.size() - used);
        if (looks_like_tls(rest)) {
            auto size = tls_record_size(rest);
            if (!size) break;
            if (!d.tls) d.tls.emplace();
            auto status = decode_tls_record(rest.first(*size), tls_flow(key), *d.tls);
            if (!status.ok() && d.error.empty()) d.error = status.error().message();
            used += *size;
        } else if (looks_like_http(rest)) {
            auto size = http_message_size(rest);
            if (!size.ok()) {
                d.error = size.error().message();
                used = buffer.size();
                break;
            }
            if (!*size) break;
            auto info = decode_http_message(rest.first(**size));
            if (info.ok()) {
                d.http = std::move(info).value();
            } else if (d.error.empty()) {
                d.error = info.error().message();
            }
            used += **size;
        } else {
            used = buffer.size();  // an application we do not dissect: drop it
        }
    }
    if (d.tls) d.layers.push_back(Layer::kTls);
    if (d.http) {
        d.layers.push_back(Layer::kHttp);
        if (d.http->ocsp) d.layers.push_back(Layer::kOcsp);
        if (!d.http->soap_method.empty()) d.layers.push_back(Layer::kCwmp);
    }
    if (used > 0) tcp.consume(key, used);
}

void Dissector::State::esp_packet(Bytes packet, bool udp_encapsulated, PacketDissection& d) {
    d.layers.push_back(Layer::kEsp);
    if (packet.size() < 8) {
        d.error = "ESP header truncated (" + std::to_string(packet.size()) + " of 8 bytes)";
        return;
    }
    EspInfo info;
    info.udp_encapsulated = udp_encapsulated;
    // RFC 4303 §2: SPI, then Sequence Number; 8 octets checked above.
    info.spi = be32(packet.data());
    info.sequence = be32(packet.data() + 4);
    if (esp == nullptr) {
        info.decryption = EspDecryption::kNoDecryptor;
    } else {
        auto plain = esp->decrypt(packet, d.source, d.destination, d.inner_packet);
        if (!plain) {
            info.decryption = EspDecryption::kNoKey;
        } else if (!plain->ok()) {
            info.decryption = EspDecryption::kFailed;
            info.error = plain->error().message();
        } else {
            info.decryption = EspDecryption::kDecrypted;
            info.next_header = (*plain)->next_header;
        }
        if (info.decryption != EspDecryption::kDecrypted) d.inner_packet.clear();
    }
    d.esp = std::move(info);
}

Dissector::Dissector() : state_(std::make_unique<State>()) {}
Dissector::~Dissector() = default;
Dissector::Dissector(Dissector&&) noexcept = default;
Dissector& Dissector::operator=(Dissector&&) noexcept = default;

void Dissector::add_ike_key(IkeDecryptionKey key) {
    state_->ike.add_key(std::move(key));
}

void Dissector::set_esp_decryptor(EspDecryptor* decryptor) {
    state_->esp = decryptor;
}

namespace {

// Every field back to its default, keeping the buffers (layers, summary, error, the inner
// packet ESP decryption writes into) allocated. The structured binding names each field:
// it stops compiling when one is added, so a new field cannot leak from the last packet.
// (Assigning a fresh PacketDissection did the same, but cost as much as dissecting.)
void reset_keeping_buffers(PacketDissection& d) {
    auto& [layers, source, destination, ip_protocol, source_port, destination_port, ike, esp, ntp, tls, http,
           summary, error, inner_packet] = d;
    layers.clear();
    source = Address{};
    destination = Address{};
    ip_protocol = 0;
    source_port = 0;
    destination_port = 0;
    ike.reset();
    esp.reset();
    ntp.reset();
    tls.reset();
    http.reset();
    summary.clear();
    error.clear();
    inner_packet.clear();
}

}  // namespace

PacketDissection Dissector::dissect(LinkType link_type, std::span<const std::uint8_t> frame) {
    PacketDissection d;
    dissect_into(link_type, frame, d);
    return d;
}

PacketDissection Dissector::dissect_ip(std::span<const std::uint8_t> packet) {
    PacketDissection d;
    dissect_ip_into(packet, d);
    return d;
}

void Dissector::dissect_into(LinkType link_type, std::span<const std::uint8_t> frame, PacketDissection& d) {
    reset_keeping_buffers(d);
    state_->link(link_type, frame, d);
    if (state_->summaries) set_summary(d);
}

void Dissector::dissect_ip_into(std::span<const std::uint8_t> packet, PacketDissection& d) {
    reset_keeping_buffers(d);
    state_->ip(packet, d);
    if (state_->summaries) set_summary(d);
}

void Dissector::set_summaries(bool on) {
    state_->summaries = on;
}

}  // namespace hnbsec::pcap
