#pragma once
// The encryption transforms of IKE (RFC 7296 §3.14, RFC 5282) and ESP (RFC 4303,
// RFC 3602, RFC 4106, RFC 7634) as raw operations on one message:
//   - CBC ciphers (AES-CBC-128/192/256, 3DES) without padding: IKE and ESP pad themselves;
//   - AEAD ciphers (AES-GCM with 8/12/16-octet ICV, ChaCha20-Poly1305) whose keying
//     material is key | salt and whose nonce is salt | 8-octet explicit IV.

#include <cstdint>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// What one encryption transform with its Key Length attribute needs.
struct EncrFacts {
    std::size_t key_size = 0;  // cipher key, octets
    std::size_t salt_size =
        0;  // AEAD: octets of keying material after the key (RFC 4106 §8.1, RFC 5282 §7.1)
    std::size_t iv_size = 0;     // explicit IV carried in each message
    std::size_t block_size = 1;  // plaintext | padding | pad length aligns to this (1: any length)
    std::size_t icv_size = 0;    // AEAD tag length; 0 when a separate integrity transform is needed
    bool aead = false;

    // Keying material taken from prf+ for this transform (SK_e*, ESP encryption keys).
    std::size_t keymat_size() const { return key_size + salt_size; }
};

// key_bits is the Key Length attribute (RFC 7296 §3.3.5): 128/192/256 for AES, 0 for
// transforms of fixed key size (3DES, ChaCha20-Poly1305). Unsupported -> error.
Result<EncrFacts> encr_facts(EncrId id, std::uint16_t key_bits);

// CBC encryption without padding: plaintext must be a multiple of the block size.
// id is kAesCbc (key of 16/24/32 octets) or k3Des (24 octets); iv is one block.
Result<Octets> cbc_encrypt(EncrId id, OctetSpan key, OctetSpan iv, OctetSpan plaintext);
Result<Octets> cbc_decrypt(EncrId id, OctetSpan key, OctetSpan iv, OctetSpan ciphertext);

// AEAD sealing: returns ciphertext | ICV. keymat = key | salt (4 octets), iv = the 8-octet
// explicit IV, nonce = salt | iv (RFC 4106 §3-4, RFC 5282 §4, RFC 7634 §2).
Result<Octets> aead_encrypt(EncrId id, OctetSpan keymat, OctetSpan iv, OctetSpan aad, OctetSpan plaintext);

// AEAD opening of ciphertext | ICV; a wrong tag is the error "ICV mismatch (...)".
Result<Octets> aead_decrypt(EncrId id, OctetSpan keymat, OctetSpan iv, OctetSpan aad,
                            OctetSpan ciphertext_and_icv);

// n octets from OpenSSL's CSPRNG (IVs, nonces, SPIs).
Result<Octets> random_octets(std::size_t n);

}  // namespace hnbsec::ike
