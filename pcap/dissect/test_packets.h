#pragma once
// Builders of small packets for the dissector's tests (IPv4/UDP/TCP, Ethernet, IKE with
// SK or SKF protected by proto/ike's own sk_protect()).

#include <cstdint>
#include <string_view>
#include <vector>

#include "pcap/dissect/key_tables.h"
#include "proto/ike/payloads.h"

namespace hnbsec::pcap::testing {

using Bytes = std::vector<std::uint8_t>;

Bytes ipv4(std::uint8_t protocol, const Bytes& payload, std::uint32_t src = 0xc0a84d02,
           std::uint32_t dst = 0xc0a84d01, std::uint16_t id = 1, std::uint16_t flags_offset = 0);
Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload);
Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags,
          const Bytes& payload);
Bytes ethernet(const Bytes& ip_packet);
Bytes text(std::string_view s);

// A test IKE SA key (AES-CBC-128, HMAC-SHA2-256-128) with fixed key bytes.
IkeDecryptionKey test_key(std::uint64_t spi_i, std::uint64_t spi_r, std::uint8_t fill = 0x11);

// An IKE message whose payloads are all inside SK, protected with `key` as sent by the
// initiator (or responder).
Bytes protected_message(const IkeDecryptionKey& key, std::uint8_t exchange, std::uint32_t message_id,
                        bool initiator, bool response, const std::vector<ike::Payload>& inner);
// Fragments of the same (RFC 7383 §2.5): the inner bytes split into `count` parts.
std::vector<Bytes> fragmented_message(const IkeDecryptionKey& key, std::uint8_t exchange,
                                      std::uint32_t message_id, bool initiator, bool response,
                                      const std::vector<ike::Payload>& inner, std::uint16_t count);

}  // namespace hnbsec::pcap::testing
