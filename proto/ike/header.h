#pragma once
// The fixed IKE header (RFC 7296 §3.1), as a plain value.

#include <cstddef>
#include <cstdint>
#include <string>

#include "proto/ike/constants.h"

namespace hnbsec::ike {

inline constexpr std::size_t kHeaderSize = 28;

// Flags octet, RFC 7296 §3.1: |X|X|R|V|I|X|X|X|.
inline constexpr std::uint8_t kFlagInitiator = 0x08;
inline constexpr std::uint8_t kFlagVersion = 0x10;
inline constexpr std::uint8_t kFlagResponse = 0x20;
// The X bits: "MUST be cleared when sending and MUST be ignored on receipt".
inline constexpr std::uint8_t kFlagsReserved = 0xc7;

struct IkeHeader {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    // As seen when decoded; encode_message() writes the first payload's type instead.
    PayloadType next_payload = PayloadType::kNoNextPayload;
    std::uint8_t major_version = 2;  // 4 bits
    std::uint8_t minor_version = 0;  // 4 bits
    ExchangeType exchange_type = ExchangeType::kIkeSaInit;
    std::uint8_t flags = 0;  // every bit as seen, X bits included
    std::uint32_t message_id = 0;
    // As seen when decoded; encode_message() writes the true length instead.
    std::uint32_t length = 0;

    bool initiator() const { return (flags & kFlagInitiator) != 0; }
    bool response() const { return (flags & kFlagResponse) != 0; }
    bool version_flag() const { return (flags & kFlagVersion) != 0; }

    bool operator==(const IkeHeader&) const = default;
};

// "IKE_AUTH request", "IKE_SA_INIT response": how errors and logs name a message.
std::string message_name(const IkeHeader& header);

}  // namespace hnbsec::ike
