#pragma once
// IPv4 fragment reassembly (RFC 791 §3.2, with RFC 815's hole bookkeeping reduced to
// sorted pieces). Bounded: at most kMaxDatagrams in progress (oldest dropped), each at
// most 65535 octets.

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <vector>

namespace hnbsec::pcap {

class Ipv4Reassembly {
public:
    struct Key {
        std::uint32_t source = 0;
        std::uint32_t destination = 0;
        std::uint16_t id = 0;
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
