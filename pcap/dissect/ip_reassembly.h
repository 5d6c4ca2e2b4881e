#pragma once
// IP fragment reassembly: IPv4 (RFC 791 §3.2) and IPv6 (RFC 8200 §4.5), with RFC 815's
// hole bookkeeping reduced to sorted pieces. Bounded: at most kMaxDatagrams in progress
// (oldest dropped), each at most 65535 octets.

#include <array>
#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace hnbsec::pcap {

class IpReassembly {
public:
    // IPv4: source, destination, protocol and the 16-bit Identification; IPv6: source,
    // destination and the 32-bit Fragment Identification (protocol 0: RFC 8200 §4.5 keys
    // on the addresses and the Identification only).
    struct Key {
        std::uint8_t version = 4;
        std::array<std::uint8_t, 16> source{};
        std::array<std::uint8_t, 16> destination{};
        std::uint32_t id = 0;
        std::uint8_t protocol = 0;
        bool operator==(const Key&) const = default;
    };
    // Adds the payload of one fragment at `offset` octets; returns the whole payload
    // once every octet up to the last fragment's end is present.
    std::optional<std::vector<std::uint8_t>> add(const Key& key, std::size_t offset, bool more_fragments,
                                                 std::span<const std::uint8_t> payload);

private:
    struct Datagram {
        Key key;
        std::vector<std::uint8_t> bytes;
        std::vector<std::pair<std::size_t, std::size_t>> pieces;  // [begin, end)
        std::optional<std::size_t> total;
    };
    static constexpr std::size_t kMaxDatagrams = 64;
    std::deque<Datagram> pending_;
};

}  // namespace hnbsec::pcap
