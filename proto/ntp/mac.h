#pragma once
// Symmetric-key authentication of NTP packets (RFC 5905 §7.3, as chrony implements
// it): the MAC trailer carries a key identifier and a digest. For hash types the
// digest is HASH(key || packet) - a plain keyed hash, not HMAC - and for the AES
// types it is AES-CMAC(key, packet) (RFC 8573). In NTPv4 digests are truncated to 20
// octets so extension fields parse deterministically (RFC 7822 §7.5).
//
// Keys are secrets: nothing here prints key material, only ids and types.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "proto/ntp/packet.h"

namespace hnbsec::ntp {

// The key types of chrony's keyfile (chrony.conf(5), "keyfile") that OpenSSL 3 offers.
enum class MacAlgorithm {
    kMd5,
    kSha1,
    kSha256,
    kSha384,
    kSha512,
    kSha3_224,
    kSha3_256,
    kSha3_384,
    kSha3_512,
    kAes128Cmac,
    kAes256Cmac,
};

// chrony's spelling: "MD5", "SHA1", ..., "SHA3-256", "AES128", "AES256" (case-insensitive).
std::optional<MacAlgorithm> mac_algorithm_from_name(std::string_view name);
std::string to_string(MacAlgorithm algorithm);

struct SymmetricKey {
    std::uint32_t id = 0;
    MacAlgorithm algorithm = MacAlgorithm::kMd5;
    std::vector<std::uint8_t> secret;
};

// The digest a sender puts after the key id, at most `max_length` octets (20 for NTPv4,
// 64 for older versions). Fails when OpenSSL cannot compute it or an AES key has the
// wrong length.
Result<Bytes> compute_mac_digest(const SymmetricKey& key, std::span<const std::uint8_t> authenticated,
                                 std::size_t max_length);
inline constexpr std::size_t kMaxV4DigestLength = 20;
inline constexpr std::size_t kMaxLegacyDigestLength = 64;

// Adds a MAC with `key` to `packet` (replacing any), over its encoding without MAC.
Status sign_packet(Packet& packet, const SymmetricKey& key);

// Whether `packet.mac` is a valid MAC of `key` (constant-time digest comparison). A
// digest shorter than the full one is accepted when it is the truncated form that the
// packet's version calls for.
bool verify_packet_mac(const Packet& packet, const SymmetricKey& key);

// Parses chrony's keyfile text: lines "ID [TYPE] KEY", KEY as ASCII:text, HEX:digits
// or bare text; TYPE defaults to MD5; lines starting with '#', '!', ';' or '%' are
// comments. Errors
// name the line, never the key.
Result<std::vector<SymmetricKey>> parse_chrony_keys(std::string_view text);

}  // namespace hnbsec::ntp
