#pragma once
// Inner packets (IPv4/IPv6 with ICMP echo or UDP, correct checksums) and SA configurations
// for the ESP tests. Test-only.

#include <array>
#include <cstdint>

#include "proto/esp/esp_sa.h"

namespace hnbsec::esp::testing {

using Ipv4 = std::array<std::uint8_t, 4>;
using Ipv6 = std::array<std::uint8_t, 16>;

inline constexpr Ipv4 kHnbInner = {10, 77, 0, 1};   // the H(e)NB's inner address
inline constexpr Ipv4 kCoreInner = {10, 78, 0, 1};  // a host behind the SeGW

Bytes icmp_echo_v4(const Ipv4& src, const Ipv4& dst, std::uint16_t id, std::uint16_t seq,
                   std::size_t data_size = 56, bool request = true);
Bytes udp_v4(const Ipv4& src, const Ipv4& dst, std::uint16_t sport, std::uint16_t dport,
             std::size_t data_size);
Bytes icmp_echo_v6(const Ipv6& src, const Ipv6& dst, std::uint16_t id, std::uint16_t seq,
                   std::size_t data_size = 56);
Bytes udp_v6(const Ipv6& src, const Ipv6& dst, std::uint16_t sport, std::uint16_t dport,
             std::size_t data_size);
// IPv4 + UDP around `payload` with a correct header checksum (UDP checksum 0, legal for IPv4).
Bytes ipv4_udp_datagram(const Ipv4& src, const Ipv4& dst, std::uint16_t sport, std::uint16_t dport,
                        ByteSpan payload);

ike::TrafficSelector ts_v4(const Ipv4& start, const Ipv4& end);
ike::TrafficSelector ts_v6_any();

struct TestSuite {
    const char* name;  // "aes128gcm16", "aes256-sha256", ...
    ike::Suite suite;
};
// AES-GCM-16 128/256, AES-CBC-128/256 with HMAC-SHA1-96 and HMAC-SHA2-256-128.
const std::array<TestSuite, 6>& test_suites();

// Deterministic keys for `suite` (seeded by `seed`), SPI `spi`; TS: the peer (remote) is
// 10.77.0.0/24 and IPv6 any, we (local) are 10.78.0.0/24 and IPv6 any.
EspSaConfig test_config(const ike::Suite& suite, std::uint32_t spi, std::uint8_t seed = 1);
// The same SA as the sender sees it: TS swapped.
EspSaConfig peer_view(EspSaConfig config);

}  // namespace hnbsec::esp::testing
