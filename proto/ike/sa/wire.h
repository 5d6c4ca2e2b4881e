#pragma once
// Small helpers shared by the SA, the responder table and the initiator: big-endian
// integers, random SPIs, NAT detection hashes, port 4500 unwrapping, payload lookup.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/ike/message.h"
#include "proto/ike/sa/events.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::ike {

Bytes be16(std::uint16_t v);
Bytes be32(std::uint32_t v);
Bytes be64(std::uint64_t v);
std::uint32_t read_be32(const Bytes& b);  // 0 unless 4 octets

Result<std::uint64_t> random_spi64();
Result<std::uint32_t> random_spi32();

// RFC 7296 §2.23: SHA-1(SPIi | SPIr | IP | port).
Result<Bytes> natd_hash(std::uint64_t spi_i, std::uint64_t spi_r, const Endpoint& endpoint);

// The IKE message inside a datagram: port 4500 strips the non-ESP marker (RFC 3948 §2.2);
// a NAT keepalive, an ESP packet or a malformed datagram becomes an event instead.
std::optional<Bytes> ike_bytes_of(const Datagram& datagram, std::vector<Event>* events);

// RFC 7296 §3.5 RestOfIDPayload: ID Type | RESERVED (3) | Identification Data.
Bytes id_payload_body(const Id& id);

const Notify* find_notify(const std::vector<Payload>& payloads, NotifyType type);
std::vector<PayloadType> payload_types(const std::vector<Payload>& payloads);
Payload notify_payload(NotifyType type, Bytes data = {}, ProtocolId protocol = static_cast<ProtocolId>(0),
                       Bytes spi = {});
// "at offset N" in a codec error message, or 0.
std::size_t error_offset(const std::string& message);

// An unprotected message (IKE_SA_INIT, or an INVALID_IKE_SPI answer), with its size checked.
Result<Bytes> encode_plain(const IkeHeader& header, const std::vector<Payload>& payloads);

}  // namespace hnbsec::ike
