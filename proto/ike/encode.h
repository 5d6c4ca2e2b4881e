#pragma once
// Encoding IKEv2 messages: the exact inverse of decode.h. Lengths, counts, the Next
// Payload chain and Last Substruc are computed from the data; every other field is
// written as stored, so decode_message(encode_message(m)) == m, and a decoded message
// re-encodes to the bytes it came from.
//
// EncodeFaults breaks a message on purpose for robustness tests, at encode time, so a
// test states the fault ("payload 2 claims 9 bytes") instead of patching bytes.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <utility>

#include "core/result.h"
#include "proto/ike/message.h"

namespace hnbsec::ike {

struct EncodeFaults {
    // Written as the header's Length instead of the true size.
    std::optional<std::uint32_t> header_length;
    // Written as the header's Next Payload instead of the first payload's type.
    std::optional<std::uint8_t> header_next_payload;
    // Exchanges two payloads (positions in Message::payloads); the chain follows the
    // new order. The positions below are positions on the wire, after this swap.
    std::optional<std::pair<std::size_t, std::size_t>> swap_payloads;
    // Position -> Payload Length written instead of the true one.
    std::map<std::size_t, std::uint16_t> payload_length;
    // Position -> Next Payload written instead of the true one.
    std::map<std::size_t, std::uint8_t> next_payload;
    // Sets every RESERVED bit: the header's X flags, the 7 bits after each payload's
    // critical bit and every RESERVED field inside payloads and substructures
    // (RFC 7296 §2.5: senders clear them, receivers ignore them).
    bool set_reserved_bits = false;
    // Appended after the last payload, inside the message: the header's Length counts
    // them unless header_length says otherwise.
    Bytes extra_bytes;
};

// Fails only when a value does not fit its field (a 300-octet SPI, a payload over
// 65535 octets, a Delete SPI not SPI Size long) or a fault names a missing payload;
// errors name the message, the payload and the field.
Result<Bytes> encode_message(const Message& message, const EncodeFaults& faults = {});

// A payload chain without header, e.g. the plaintext inner payloads of an SK payload;
// the first payload's type goes into the SK payload's first_inner. header_* faults
// do not apply.
Result<Bytes> encode_payloads(std::span<const Payload> payloads, const EncodeFaults& faults = {});

}  // namespace hnbsec::ike
