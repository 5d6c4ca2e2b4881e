#include "hsm/token_signer.h"

namespace hnbsec::hsm {
namespace {

bool needs_rsa(SignatureAlgorithm algorithm) {
    return algorithm != SignatureAlgorithm::kEcdsa;
}

}  // namespace

std::string SignatureScheme::name() const {
    const std::string hash_text(hash_name(hash));
    switch (algorithm) {
        case SignatureAlgorithm::kRsaPkcs1v15:
            return "RSA-PKCS1-v1_5/" + hash_text;
        case SignatureAlgorithm::kRsaPss:
            return "RSA-PSS/" + hash_text + " (salt " +
                   std::to_string(pss_salt_length.value_or(hash_size(hash))) + ")";
        case SignatureAlgorithm::kEcdsa:
            return "ECDSA/" + hash_text;
    }
    return "unknown scheme";
}

Result<std::vector<std::uint8_t>> sign_digest(const Token& token, const TokenKey& key,
                                              const SignatureScheme& scheme,
                                              std::span<const std::uint8_t> digest) {
    if (needs_rsa(scheme.algorithm) != (key.type == KeyType::kRsa)) {
        return Error(scheme.name() + " needs an " + (needs_rsa(scheme.algorithm) ? "RSA" : "EC") +
                     " key, but key '" + key.label + "' on token '" + token.label() + "' is " +
                     (key.type == KeyType::kRsa ? "RSA" : "EC"));
    }
    if (digest.size() != hash_size(scheme.hash)) {
        return Error(scheme.name() + " needs a " + std::to_string(hash_size(scheme.hash)) +
                     "-byte digest, got " + std::to_string(digest.size()) + " bytes");
    }

    switch (scheme.algorithm) {
        case SignatureAlgorithm::kRsaPkcs1v15: {
            HNBSEC_TRY(auto info, digest_info(scheme.hash, digest));
            CK_MECHANISM mechanism{CKM_RSA_PKCS, nullptr, 0};
            return token.sign_with_mechanism(key, mechanism, info);
        }
        case SignatureAlgorithm::kRsaPss: {
            CK_RSA_PKCS_PSS_PARAMS params{hash_mechanism(scheme.hash), mgf1_for(scheme.hash),
                                          scheme.pss_salt_length.value_or(hash_size(scheme.hash))};
            CK_MECHANISM mechanism{CKM_RSA_PKCS_PSS, &params, sizeof params};
            return token.sign_with_mechanism(key, mechanism, digest);
        }
        case SignatureAlgorithm::kEcdsa: {
            CK_MECHANISM mechanism{CKM_ECDSA, nullptr, 0};
            HNBSEC_TRY(auto raw, token.sign_with_mechanism(key, mechanism, digest));
            return ecdsa_raw_to_der(raw);
        }
    }
    return Error("unknown signature scheme");
}

Result<std::vector<std::uint8_t>> sign_message(const Token& token, const TokenKey& key,
                                               const SignatureScheme& scheme,
                                               std::span<const std::uint8_t> message) {
    HNBSEC_TRY(auto hashed, digest(scheme.hash, message));
    return sign_digest(token, key, scheme, hashed);
}

}  // namespace hnbsec::hsm
