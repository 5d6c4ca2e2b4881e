#pragma once
// The NTPv4 packet (RFC 5905 §7.3) as a plain value: the 48-octet header, the
// extension fields of RFC 7822 and the optional symmetric-key MAC (key identifier
// plus digest; a MAC of only a zero key identifier is a crypto-NAK, RFC 5905 §7.4).
// decode_packet() and encode_packet() are exact inverses on everything that decodes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/ntp/timestamp.h"

namespace hnbsec::ntp {

using Bytes = std::vector<std::uint8_t>;

inline constexpr std::size_t kHeaderLength = 48;
inline constexpr std::uint16_t kNtpPort = 123;
// MAC trailer lengths (key id + digest): 20 (MD5, CMAC) or 24 (160 bits) in NTPv4,
// where longer digests are truncated so extension fields parse deterministically
// (RFC 7822 §7.5); up to 68 in older versions (chrony's NTP_MAX_MAC_LENGTH).
inline constexpr std::size_t kMinMacLength = 20;
inline constexpr std::size_t kMaxMacLength = 24;
inline constexpr std::size_t kMaxLegacyMacLength = 68;
// Shortest extension field (RFC 7822 §3).
inline constexpr std::size_t kMinExtensionLength = 16;

// Leap Indicator (RFC 5905 Figure 9).
enum class Leap : std::uint8_t {
    kNoWarning = 0,
    kLastMinute61 = 1,
    kLastMinute59 = 2,
    kUnsynchronised = 3,  // "clock unsynchronized"
};

// Association modes (RFC 5905 Figure 10); 0 is reserved.
enum class Mode : std::uint8_t {
    kReserved = 0,
    kSymmetricActive = 1,
    kSymmetricPassive = 2,
    kClient = 3,
    kServer = 4,
    kBroadcast = 5,
    kControl = 6,  // NTP control message (RFC 1305 appendix B)
    kPrivate = 7,
};

// An extension field (RFC 7822 §3). `value` holds everything after the 4-octet
// field header, padding included, so that encoding gives back the received bytes.
struct ExtensionField {
    std::uint16_t type = 0;
    Bytes value;
    bool operator==(const ExtensionField&) const = default;
};

// The MAC trailer (RFC 5905 §7.3): key identifier and message digest. A trailer of
// only a key identifier (digest empty) is a crypto-NAK when that identifier is 0.
struct Mac {
    std::uint32_t key_id = 0;
    Bytes digest;
    bool is_crypto_nak() const { return digest.empty() && key_id == 0; }
    bool operator==(const Mac&) const = default;
};

struct Packet {
    Leap leap = Leap::kNoWarning;
    std::uint8_t version = 4;  // 3 bits on the wire
    Mode mode = Mode::kClient;
    std::uint8_t stratum = 0;
    std::int8_t poll = 0;               // log2 seconds
    std::int8_t precision = 0;          // log2 seconds
    std::uint32_t root_delay = 0;       // NTP short format
    std::uint32_t root_dispersion = 0;  // NTP short format
    std::uint32_t reference_id = 0;
    Timestamp reference;
    Timestamp origin;
    Timestamp receive;
    Timestamp transmit;
    std::vector<ExtensionField> extensions;
    std::optional<Mac> mac;

    bool operator==(const Packet&) const = default;
};

// Decodes one UDP payload. Fails (never throws) with the field and what was expected:
// a short header, version outside 1..4, the reserved mode 0, an extension field whose
// length is not a multiple of 4 or runs past the end, a trailer that is no MAC length.
Result<Packet> decode_packet(std::span<const std::uint8_t> bytes);

// Encodes exactly what the value says. Fails on values the wire cannot carry
// (version > 7, an extension value that does not make a 4-aligned field of >= 16 octets,
// a MAC digest that is not empty or 16 to 64 octets in multiples of 4).
Result<Bytes> encode_packet(const Packet& packet);

// The octets a MAC covers: the packet encoded without its MAC (RFC 5905 §7.3).
Result<Bytes> encode_authenticated_part(const Packet& packet);

// "RATE" for a reference id holding four ASCII letters; non-printable octets as '.'.
std::string reference_id_text(std::uint32_t reference_id);
std::uint32_t reference_id_from_text(std::string_view four_letters);

std::string to_string(Mode mode);
std::string to_string(Leap leap);

}  // namespace hnbsec::ntp
