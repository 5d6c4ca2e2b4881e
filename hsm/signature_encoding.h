#pragma once
// The byte-level pieces around a token signature: hashing in OpenSSL (tokens
// get only the digest), the PKCS#1 v1.5 DigestInfo that CKM_RSA_PKCS signs, and
// the conversion of a PKCS#11 ECDSA signature (raw r||s) to the DER
// ECDSA-Sig-Value that X.509, CMS and TLS expect.

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "core/result.h"

namespace hnbsec::hsm {

enum class HashAlgorithm { kSha256, kSha384, kSha512 };

// "SHA-256" etc.: the OpenSSL fetch name and the name used in messages.
std::string_view hash_name(HashAlgorithm hash);
std::size_t hash_size(HashAlgorithm hash);
// CKM_SHA256 etc., for CK_RSA_PKCS_PSS_PARAMS.hashAlg.
CK_MECHANISM_TYPE hash_mechanism(HashAlgorithm hash);
// CKG_MGF1_SHA256 etc., for CK_RSA_PKCS_PSS_PARAMS.mgf.
CK_RSA_PKCS_MGF_TYPE mgf1_for(HashAlgorithm hash);

Result<std::vector<std::uint8_t>> digest(HashAlgorithm hash, std::span<const std::uint8_t> message);

// DER DigestInfo { AlgorithmIdentifier(hash, NULL), OCTET STRING digest }
// (RFC 8017 section 9.2). Fails if the digest has the wrong length.
Result<std::vector<std::uint8_t>> digest_info(HashAlgorithm hash, std::span<const std::uint8_t> digest);

// raw r||s (two equal halves, as CKM_ECDSA returns) -> DER SEQUENCE { r, s }.
Result<std::vector<std::uint8_t>> ecdsa_raw_to_der(std::span<const std::uint8_t> raw);

}  // namespace hnbsec::hsm
