#pragma once
// Signature schemes over a token key. The hash is always computed in OpenSSL
// and only the digest goes to the token, because SoftHSM2 2.6.1 lacks
// combined mechanisms such as CKM_ECDSA_SHA256 and hardware tokens vary:
//   RSA PKCS#1 v1.5: CKM_RSA_PKCS over a DigestInfo built here
//   RSA-PSS:         CKM_RSA_PKCS_PSS over the digest, CK_RSA_PKCS_PSS_PARAMS
//                    with MGF1 of the same hash
//   ECDSA:           CKM_ECDSA over the digest; the raw r||s result is
//                    returned as a DER ECDSA-Sig-Value
// Every signature verifies with OpenSSL EVP_DigestVerify on the public key.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "hsm/signature_encoding.h"
#include "hsm/token.h"

namespace hnbsec::hsm {

enum class SignatureAlgorithm { kRsaPkcs1v15, kRsaPss, kEcdsa };

struct SignatureScheme {
    SignatureAlgorithm algorithm = SignatureAlgorithm::kEcdsa;
    HashAlgorithm hash = HashAlgorithm::kSha256;
    std::optional<std::size_t> pss_salt_length;  // RSA-PSS only; default: the hash length

    static SignatureScheme rsa_pkcs1_v15(HashAlgorithm hash) {
        return {SignatureAlgorithm::kRsaPkcs1v15, hash, {}};
    }
    static SignatureScheme rsa_pss(HashAlgorithm hash, std::optional<std::size_t> salt_length = {}) {
        return {SignatureAlgorithm::kRsaPss, hash, salt_length};
    }
    static SignatureScheme ecdsa(HashAlgorithm hash) { return {SignatureAlgorithm::kEcdsa, hash, {}}; }

    // "RSA-PSS/SHA-256 (salt 32)", "ECDSA/SHA-384", ...
    std::string name() const;
};

// Hashes `message` and signs the digest on the token.
Result<std::vector<std::uint8_t>> sign_message(const Token& token, const TokenKey& key,
                                               const SignatureScheme& scheme,
                                               std::span<const std::uint8_t> message);

// Signs a digest computed elsewhere (it must have the scheme's hash length).
Result<std::vector<std::uint8_t>> sign_digest(const Token& token, const TokenKey& key,
                                              const SignatureScheme& scheme,
                                              std::span<const std::uint8_t> digest);

}  // namespace hnbsec::hsm
