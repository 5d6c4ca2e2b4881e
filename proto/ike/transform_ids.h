#pragma once
// IANA "IKEv2 Parameters" values for the SA transforms of RFC 7296 §3.3.2 and the
// AUTH methods of §3.8 (+ RFC 4754, RFC 7427), their names, and strongSwan-style
// proposal strings ("aes128-sha256-modp2048") as profiles and knobs spell them.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hnbsec::ike {

// Transform Type (RFC 7296 §3.3.2).
enum class TransformType : std::uint8_t { kEncr = 1, kPrf = 2, kInteg = 3, kDh = 4, kEsn = 5 };

// Transform Type 1, Encryption Algorithm Transform IDs.
enum class EncrId : std::uint16_t {
    kDes = 2,
    k3Des = 3,
    kNull = 11,
    kAesCbc = 12,            // RFC 3602
    kAesCtr = 13,            // RFC 3686, RFC 5930
    kAesGcm8 = 18,           // RFC 4106, RFC 5282: 8-octet ICV
    kAesGcm12 = 19,          // 12-octet ICV
    kAesGcm16 = 20,          // 16-octet ICV
    kChacha20Poly1305 = 28,  // RFC 7634
};

// Transform Type 2, Pseudorandom Function Transform IDs.
enum class PrfId : std::uint16_t {
    kHmacMd5 = 1,
    kHmacSha1 = 2,
    kAes128Xcbc = 4,    // RFC 4434
    kHmacSha2_256 = 5,  // RFC 4868
    kHmacSha2_384 = 6,
    kHmacSha2_512 = 7,
};

// Transform Type 3, Integrity Algorithm Transform IDs.
enum class IntegId : std::uint16_t {
    kNone = 0,
    kHmacMd5_96 = 1,
    kHmacSha1_96 = 2,        // RFC 2404
    kAesXcbc96 = 5,          // RFC 3566
    kHmacSha2_256_128 = 12,  // RFC 4868
    kHmacSha2_384_192 = 13,
    kHmacSha2_512_256 = 14,
};

// Transform Type 4, Diffie-Hellman Group Transform IDs.
enum class DhGroup : std::uint16_t {
    kNone = 0,
    kModp768 = 1,    // RFC 2409 §6.1
    kModp1024 = 2,   // RFC 2409 §6.2
    kModp1536 = 5,   // RFC 3526 §2
    kModp2048 = 14,  // RFC 3526 §3
    kModp3072 = 15,  // RFC 3526 §4
    kModp4096 = 16,  // RFC 3526 §5
    kEcp256 = 19,    // RFC 5903
    kEcp384 = 20,
    kEcp521 = 21,
    kCurve25519 = 31,  // RFC 8031
};

// Transform Type 5, Extended Sequence Numbers Transform IDs.
enum class EsnId : std::uint16_t { kNoEsn = 0, kEsn = 1 };

// Transform attribute type Key Length, in bits (RFC 7296 §3.3.5).
inline constexpr std::uint16_t kKeyLengthAttribute = 14;

// Authentication Method of the AUTH payload (RFC 7296 §3.8, RFC 4754 §4, RFC 7427 §3).
enum class AuthMethod : std::uint8_t {
    kRsaSignature = 1,
    kSharedKeyMic = 2,
    kDssSignature = 3,
    kEcdsaSha256P256 = 9,
    kEcdsaSha384P384 = 10,
    kEcdsaSha512P521 = 11,
    kGenericSecurePassword = 12,  // RFC 6467
    kNullAuth = 13,               // RFC 7619
    kDigitalSignature = 14,       // RFC 7427
};

// IANA names ("ENCR_AES_CBC", "PRF_HMAC_SHA2_256", "AUTH_HMAC_SHA2_256_128", "MODP_2048"
// as strongSwan logs them); unknown values read "ENCR_UNKNOWN_1024" and so on.
std::string to_string(TransformType type);
std::string to_string(EncrId id);
std::string to_string(PrfId id);
std::string to_string(IntegId id);
std::string to_string(DhGroup group);
std::string to_string(EsnId id);
std::string to_string(AuthMethod method);

// ---- strongSwan-style proposal strings ------------------------------------------------
// "aes128-sha256-modp2048", "aes256gcm16-prfsha384-ecp384", "aes128-sha256-esn" (ESP):
// algorithm keywords separated by '-', as in strongSwan's swanctl.conf `proposals`.

enum class ProposalProtocol { kIke, kEsp };

// An encryption algorithm with its Key Length attribute (0: the transform has no attribute,
// e.g. 3DES or ChaCha20-Poly1305 whose key size is fixed).
struct EncrChoice {
    EncrId id = EncrId::kAesCbc;
    std::uint16_t key_bits = 0;
    friend bool operator==(const EncrChoice&, const EncrChoice&) = default;
};

// One proposal: the acceptable transforms of each type, in order of preference.
struct ProposalSpec {
    ProposalProtocol protocol = ProposalProtocol::kIke;
    std::vector<EncrChoice> encr;
    std::vector<IntegId> integ;
    std::vector<PrfId> prf;   // IKE only
    std::vector<DhGroup> dh;  // mandatory for IKE; PFS groups for ESP
    std::vector<EsnId> esn;   // ESP only; kNoEsn when the string names none
    friend bool operator==(const ProposalSpec&, const ProposalSpec&) = default;
};

// Parses a proposal string with strongSwan's rules: for IKE a missing PRF is taken from
// the integrity algorithms, a DH group is mandatory, AEAD and non-AEAD ciphers do not
// mix, and AEAD takes no integrity algorithm; an unknown keyword is an error.
Result<ProposalSpec> parse_proposal(std::string_view text,
                                    ProposalProtocol protocol = ProposalProtocol::kIke);

// The canonical string: encryption, integrity, PRF, DH groups, ESN ("noesn" omitted),
// every PRF spelled out ("aes128-sha256-prfsha256-modp2048"). parse(format(p)) == p.
std::string format_proposal(const ProposalSpec& proposal);

// "aes128", "aes256gcm16", "chacha20poly1305": the keyword of one encryption choice.
std::string proposal_keyword(const EncrChoice& encr);

}  // namespace hnbsec::ike
