#pragma once
// Decoding IKEv2 messages received from a peer. Total functions: any input gives a
// Message or an Error, never an exception or a read out of bounds. An error names the
// message ("IKE_AUTH request"), the payload by position and type, the field, its byte
// offset and what was expected, e.g.
//   IKE_AUTH request: payload 3 (CERT): Payload Length 9 exceeds the remaining 4 bytes at offset 212

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "proto/ike/message.h"

namespace hnbsec::ike {

// What a responder would answer a message that fails to decode with (RFC 7296 §2.5,
// §3.10.1): INVALID_MAJOR_VERSION, UNSUPPORTED_CRITICAL_PAYLOAD carrying the one-octet
// payload type as Notification Data, or INVALID_SYNTAX for everything else.
struct DecodeFailure {
    NotifyType notify = NotifyType::kInvalidSyntax;
    Bytes notify_data;
};

// The 28-octet header only (RFC 7296 §3.1), with the checks decode_message() makes:
// Major Version 2 and Length equal to the datagram size. Enough to answer a message
// whose payloads do not decode.
Result<IkeHeader> decode_header(std::span<const std::uint8_t> datagram, DecodeFailure* failure = nullptr);

// A whole IKE message: one UDP datagram on port 500, or on port 4500 after the non-ESP
// marker (see udp_encapsulation.h). Walks the Next Payload chain; payloads of unknown
// type are kept as Unknown unless their critical bit is set. An SK or SKF payload ends
// the chain and keeps its encrypted bytes as they are.
Result<Message> decode_message(std::span<const std::uint8_t> datagram, DecodeFailure* failure = nullptr);

// A payload chain starting with `first`, e.g. the inner payloads of a decrypted SK
// payload (its first_inner). Offsets in errors count from the start of `bytes`;
// `context` names the chain in them ("IKE_AUTH request (decrypted)").
Result<std::vector<Payload>> decode_payloads(PayloadType first, std::span<const std::uint8_t> bytes,
                                             std::string_view context = "inner payloads",
                                             DecodeFailure* failure = nullptr);

}  // namespace hnbsec::ike
