#pragma once
// Signature algorithms of the AUTH payload's Digital Signature method (RFC 7427): the
// ASN.1 AlgorithmIdentifier each one is announced with (RFC 7427 Appendix A), a parser
// that maps a received AlgorithmIdentifier back to the algorithm, and the AUTH Data
// layout of method 14: ASN.1 length | AlgorithmIdentifier | signature (RFC 7427 §3).

#include <cstdint>
#include <string>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"

namespace hnbsec::ike {

enum class SignatureScheme : std::uint8_t { kRsaPkcs1v15, kRsaPss, kEcdsa, kEd25519 };
enum class SignatureHash : std::uint8_t { kNone, kSha1, kSha256, kSha384, kSha512 };

struct SignatureAlgorithm {
    SignatureScheme scheme = SignatureScheme::kRsaPkcs1v15;
    SignatureHash hash = SignatureHash::kSha256;  // kNone for Ed25519 (RFC 8420)
    std::size_t pss_salt_length = 0;              // RSASSA-PSS only; MGF1 uses the same hash
    friend bool operator==(const SignatureAlgorithm&, const SignatureAlgorithm&) = default;
};

inline constexpr SignatureAlgorithm kSha256WithRsa{SignatureScheme::kRsaPkcs1v15, SignatureHash::kSha256, 0};
inline constexpr SignatureAlgorithm kSha384WithRsa{SignatureScheme::kRsaPkcs1v15, SignatureHash::kSha384, 0};
inline constexpr SignatureAlgorithm kSha512WithRsa{SignatureScheme::kRsaPkcs1v15, SignatureHash::kSha512, 0};
inline constexpr SignatureAlgorithm kRsaPssSha256{SignatureScheme::kRsaPss, SignatureHash::kSha256, 32};
inline constexpr SignatureAlgorithm kRsaPssSha384{SignatureScheme::kRsaPss, SignatureHash::kSha384, 48};
inline constexpr SignatureAlgorithm kRsaPssSha512{SignatureScheme::kRsaPss, SignatureHash::kSha512, 64};
inline constexpr SignatureAlgorithm kEcdsaSha256{SignatureScheme::kEcdsa, SignatureHash::kSha256, 0};
inline constexpr SignatureAlgorithm kEcdsaSha384{SignatureScheme::kEcdsa, SignatureHash::kSha384, 0};
inline constexpr SignatureAlgorithm kEcdsaSha512{SignatureScheme::kEcdsa, SignatureHash::kSha512, 0};
inline constexpr SignatureAlgorithm kEd25519{SignatureScheme::kEd25519, SignatureHash::kNone, 0};

// "sha256WithRSAEncryption", "RSASSA-PSS(SHA-256, MGF1, salt 32)", "ecdsa-with-SHA256", "Ed25519".
std::string to_string(const SignatureAlgorithm& algorithm);

// OpenSSL's digest name ("SHA2-256"), or nullptr for kNone.
const char* openssl_digest_name(SignatureHash hash);

// The DER AlgorithmIdentifier (RFC 7427 Appendix A): PKCS#1 v1.5 with NULL parameters,
// ECDSA and Ed25519 without, RSASSA-PSS with explicit hash, MGF1 and salt length.
Result<Octets> algorithm_identifier(const SignatureAlgorithm& algorithm);

// Maps a received DER AlgorithmIdentifier to the algorithm; accepts absent or NULL hash
// parameters and RSASSA-PSS defaults (RFC 4055 §3.1). Anything else is an error naming it.
Result<SignatureAlgorithm> parse_algorithm_identifier(OctetSpan der);

// AUTH Data of method 14 (RFC 7427 §3).
Result<Octets> digital_signature_auth_data(const SignatureAlgorithm& algorithm, OctetSpan signature);

struct DigitalSignatureAuthData {
    SignatureAlgorithm algorithm;
    Octets algorithm_identifier;  // as received
    Octets signature;
};

Result<DigitalSignatureAuthData> parse_digital_signature_auth_data(OctetSpan auth_data);

}  // namespace hnbsec::ike
