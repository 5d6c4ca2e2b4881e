#include "proto/esp/test_packets.h"

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"

namespace hnbsec::esp::testing {
namespace {

void put16(Bytes& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}

std::uint32_t sum16(ByteSpan data, std::uint32_t sum = 0) {
    for (std::size_t i = 0; i < data.size(); i += 2) {
        const std::uint32_t hi = data[i];
        const std::uint32_t lo = i + 1 < data.size() ? data[i + 1] : 0;
        sum += (hi << 8) | lo;
    }
    return sum;
}

std::uint16_t fold(std::uint32_t sum) {
    while ((sum >> 16) != 0) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

void set16(Bytes& packet, std::size_t at, std::uint16_t v) {
    packet[at] = static_cast<std::uint8_t>(v >> 8);
    packet[at + 1] = static_cast<std::uint8_t>(v);
}

Bytes ipv4(const Ipv4& src, const Ipv4& dst, std::uint8_t protocol, const Bytes& payload) {
    Bytes packet = {0x45, 0x00};
    put16(packet, static_cast<std::uint16_t>(20 + payload.size()));
    packet.insert(packet.end(), {0x12, 0x34, 0x40, 0x00, 64, protocol, 0, 0});
    packet.insert(packet.end(), src.begin(), src.end());
    packet.insert(packet.end(), dst.begin(), dst.end());
    set16(packet, 10, fold(sum16(packet)));
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

Bytes ipv6(const Ipv6& src, const Ipv6& dst, std::uint8_t next, Bytes payload, std::size_t checksum_at) {
    // Upper-layer checksum over the IPv6 pseudo-header (RFC 8200 §8.1).
    Bytes pseudo(src.begin(), src.end());
    pseudo.insert(pseudo.end(), dst.begin(), dst.end());
    pseudo.insert(pseudo.end(), {0, 0});
    put16(pseudo, static_cast<std::uint16_t>(payload.size()));
    pseudo.insert(pseudo.end(), {0, 0, 0, next});
    set16(payload, checksum_at, fold(sum16(payload, sum16(pseudo))));
    Bytes packet = {0x60, 0, 0, 0};
    put16(packet, static_cast<std::uint16_t>(payload.size()));
    packet.push_back(next);
    packet.push_back(64);
    packet.insert(packet.end(), src.begin(), src.end());
    packet.insert(packet.end(), dst.begin(), dst.end());
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

Bytes echo(std::uint8_t type, std::uint16_t id, std::uint16_t seq, std::size_t data_size) {
    Bytes icmp = {type, 0, 0, 0};
    put16(icmp, id);
    put16(icmp, seq);
    for (std::size_t i = 0; i < data_size; ++i) icmp.push_back(static_cast<std::uint8_t>(i));
    return icmp;
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, std::size_t data_size) {
    Bytes datagram;
    put16(datagram, sport);
    put16(datagram, dport);
    put16(datagram, static_cast<std::uint16_t>(8 + data_size));
    put16(datagram, 0);
    for (std::size_t i = 0; i < data_size; ++i) datagram.push_back(static_cast<std::uint8_t>(0x30 + i % 10));
    return datagram;
}

}  // namespace

Bytes icmp_echo_v4(const Ipv4& src, const Ipv4& dst, std::uint16_t id, std::uint16_t seq,
                   std::size_t data_size, bool request) {
    Bytes icmp = echo(request ? 8 : 0, id, seq, data_size);
    set16(icmp, 2, fold(sum16(icmp)));
    return ipv4(src, dst, 1, icmp);
}

Bytes udp_v4(const Ipv4& src, const Ipv4& dst, std::uint16_t sport, std::uint16_t dport,
             std::size_t data_size) {
    return ipv4(src, dst, 17, udp(sport, dport, data_size));
}

Bytes icmp_echo_v6(const Ipv6& src, const Ipv6& dst, std::uint16_t id, std::uint16_t seq,
                   std::size_t data_size) {
    return ipv6(src, dst, 58, echo(128, id, seq, data_size), 2);
}

Bytes udp_v6(const Ipv6& src, const Ipv6& dst, std::uint16_t sport, std::uint16_t dport,
             std::size_t data_size) {
    return ipv6(src, dst, 17, udp(sport, dport, data_size), 6);
}

Bytes ipv4_udp_datagram(const Ipv4& src, const Ipv4& dst, std::uint16_t sport, std::uint16_t dport,
                        ByteSpan payload) {
    Bytes datagram;
    put16(datagram, sport);
    put16(datagram, dport);
    put16(datagram, static_cast<std::uint16_t>(8 + payload.size()));
    put16(datagram, 0);
    datagram.insert(datagram.end(), payload.begin(), payload.end());
    return ipv4(src, dst, 17, datagram);
}

ike::TrafficSelector ts_v4(const Ipv4& start, const Ipv4& end) {
    ike::TrafficSelector ts;
    ts.type = ike::TsType::kIpv4AddrRange;
    ts.start_address.assign(start.begin(), start.end());
    ts.end_address.assign(end.begin(), end.end());
    return ts;
}

ike::TrafficSelector ts_v6_any() {
    ike::TrafficSelector ts;
    ts.type = ike::TsType::kIpv6AddrRange;
    ts.start_address.assign(16, 0x00);
    ts.end_address.assign(16, 0xff);
    return ts;
}

const std::array<TestSuite, 6>& test_suites() {
    using ike::EncrId;
    using ike::IntegId;
    const auto make = [](EncrId encr, std::uint16_t bits, IntegId integ) {
        ike::Suite suite;
        suite.encr = encr;
        suite.encr_key_bits = bits;
        suite.integ = integ;
        return suite;
    };
    static const std::array<TestSuite, 6> kSuites = {{
        {"aes128gcm16", make(EncrId::kAesGcm16, 128, IntegId::kNone)},
        {"aes256gcm16", make(EncrId::kAesGcm16, 256, IntegId::kNone)},
        {"aes128-sha1", make(EncrId::kAesCbc, 128, IntegId::kHmacSha1_96)},
        {"aes256-sha1", make(EncrId::kAesCbc, 256, IntegId::kHmacSha1_96)},
        {"aes128-sha256", make(EncrId::kAesCbc, 128, IntegId::kHmacSha2_256_128)},
        {"aes256-sha256", make(EncrId::kAesCbc, 256, IntegId::kHmacSha2_256_128)},
    }};
    return kSuites;
}

EspSaConfig test_config(const ike::Suite& suite, std::uint32_t spi, std::uint8_t seed) {
    EspSaConfig config;
    config.spi = spi;
    config.suite = suite;
    const auto facts = ike::encr_facts(suite.encr, suite.encr_key_bits);
    const std::size_t encr_size = facts.ok() ? facts->keymat_size() : 16;
    for (std::size_t i = 0; i < encr_size; ++i)
        config.encryption_key.push_back(static_cast<std::uint8_t>(seed + i));
    if (suite.integ != ike::IntegId::kNone) {
        for (std::size_t i = 0; i < ike::integ_key_size(suite.integ); ++i) {
            config.integrity_key.push_back(static_cast<std::uint8_t>(0x80 + seed + i));
        }
    }
    config.ts_remote = {ts_v4({10, 77, 0, 0}, {10, 77, 0, 255}), ts_v6_any()};
    config.ts_local = {ts_v4({10, 78, 0, 0}, {10, 78, 0, 255}), ts_v6_any()};
    return config;
}

EspSaConfig peer_view(EspSaConfig config) {
    std::swap(config.ts_local, config.ts_remote);
    return config;
}

}  // namespace hnbsec::esp::testing
