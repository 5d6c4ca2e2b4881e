#pragma once
// Plain values the transport-free IKE SA logic exchanges with its caller: endpoints,
// datagrams, the clock, and the keys an established SA exports (for Wireshark's
// ikev2_decryption_table / esp_sa files).

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "proto/ike/crypto/key_schedule.h"
#include "proto/ike/crypto/suite.h"
#include "proto/ike/payloads.h"

namespace hnbsec::ike {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

inline constexpr std::uint16_t kIkePort = 500;
inline constexpr std::uint16_t kNatTPort = 4500;  // RFC 7296 §2.23, RFC 3948

// An IP address (4 or 16 octets, network order) and a UDP port.
struct Endpoint {
    Bytes ip;
    std::uint16_t port = kIkePort;

    bool operator==(const Endpoint&) const = default;
    auto operator<=>(const Endpoint&) const = default;
};

std::string to_string(const Endpoint& endpoint);  // "192.0.2.1:500", "[2001:db8::1]:4500"
Endpoint ipv4_endpoint(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d,
                       std::uint16_t port = kIkePort);

// One UDP datagram. On port 4500 `bytes` is the UDP payload as on the wire, non-ESP
// marker included (RFC 3948 §2.2); the SA adds and strips it.
struct Datagram {
    Endpoint local;
    Endpoint remote;
    Bytes bytes;
};

// Keys of an established IKE SA (RFC 7296 §2.14), as Wireshark's decryption table needs.
struct IkeSaKeyExport {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    Suite suite;
    IkeSaKeys keys;
};

// One Child SA (ESP, tunnel mode). `keys` follow RFC 7296 §2.17: the "i" keys protect
// traffic from the initiator of the exchange that created the SA.
struct ChildSa {
    std::uint32_t spi_in = 0;   // chosen by us: the peer sends with it
    std::uint32_t spi_out = 0;  // chosen by the peer: we send with it
    Suite suite;                // encr/integ (dh = PFS group, kNone without)
    bool esn = false;
    ChildSaKeys keys;
    bool local_is_initiator = true;
    std::vector<TrafficSelector> ts_local;
    std::vector<TrafficSelector> ts_remote;
    std::optional<Bytes> inner_address;  // CP INTERNAL_IP4_ADDRESS (initiator side)
    std::vector<Bytes> inner_dns;        // CP INTERNAL_IP4_DNS (initiator side)

    const Octets& encr_out() const { return local_is_initiator ? keys.encr_i : keys.encr_r; }
    const Octets& integ_out() const { return local_is_initiator ? keys.integ_i : keys.integ_r; }
    const Octets& encr_in() const { return local_is_initiator ? keys.encr_r : keys.encr_i; }
    const Octets& integ_in() const { return local_is_initiator ? keys.integ_r : keys.integ_i; }
};

std::string to_string(const TrafficSelector& ts);
std::string hex_string(const Bytes& bytes);

}  // namespace hnbsec::ike
