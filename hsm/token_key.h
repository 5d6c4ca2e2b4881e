#pragma once
// What a key on a token is: how to generate it (KeySpec), how to address it
// (TokenKey) and what the token says about it (KeyAttributes).

#include <cstdint>
#include <string>
#include <vector>

#include <p11-kit/pkcs11.h>

namespace hnbsec::hsm {

enum class KeyType { kRsa, kEc };
enum class EcCurve { kP256, kP384 };

struct KeySpec {
    KeyType type = KeyType::kRsa;
    unsigned rsa_bits = 2048;  // 1024 (weak-key fixture only), 2048, 3072 or 4096
    EcCurve curve = EcCurve::kP256;

    static KeySpec rsa(unsigned bits) { return KeySpec{KeyType::kRsa, bits, EcCurve::kP256}; }
    static KeySpec ec(EcCurve curve) { return KeySpec{KeyType::kEc, 0, curve}; }
};

// A key pair found or generated on a token. Handles are valid while the
// Token (and its module) that produced them is alive.
struct TokenKey {
    std::string label;             // CKA_LABEL of both halves
    std::vector<std::uint8_t> id;  // CKA_ID of both halves
    KeyType type = KeyType::kRsa;
    CK_OBJECT_HANDLE private_key = CK_INVALID_HANDLE;
    CK_OBJECT_HANDLE public_key = CK_INVALID_HANDLE;  // CK_INVALID_HANDLE if the token has none
};

// The private key's protection attributes, as the token reports them.
struct KeyAttributes {
    std::string label;
    std::vector<std::uint8_t> id;
    KeyType type = KeyType::kRsa;
    unsigned bits = 0;  // RSA modulus bits, or EC field size
    std::string curve;  // "P-256", "P-384"; empty for RSA
    bool token = false;
    bool private_object = false;  // CKA_PRIVATE: only visible after login
    bool sensitive = false;
    bool extractable = false;
    bool always_sensitive = false;
    bool never_extractable = false;
    bool local = false;  // CKA_LOCAL: generated on the token
    bool can_sign = false;
    bool can_decrypt = false;
};

}  // namespace hnbsec::hsm
