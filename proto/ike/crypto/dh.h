#pragma once
// Diffie-Hellman for the KE payload (RFC 7296 §1.2, §2.14, §3.4): key pairs, the IKE
// encodings of public values, validation of the peer's value, and g^ir.
//   MODP (groups 1, 2, 5, 14, 15, 16): public value and g^ir big-endian, left-padded with
//     zeros to the length of the prime (RFC 7296 §2.14; RFC 2409 §6, RFC 3526).
//   ECP (19, 20, 21): public value x | y without the 0x04 point-format octet, g^ir the
//     x coordinate only (RFC 5903 §7).
//   Curve25519 (31): 32-octet public value and shared secret (RFC 8031 §2, RFC 7748 §5).

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// Groups this layer computes.
bool dh_supported(DhGroup group);

// Length of the KE payload's Key Exchange Data for the group (0 when unsupported).
std::size_t dh_public_value_size(DhGroup group);

// Length of g^ir as it enters SKEYSEED (0 when unsupported).
std::size_t dh_shared_secret_size(DhGroup group);

// Checks a peer's public value before it is used (RFC 7296 §3.4, RFC 6989 §2):
// its length; MODP: 1 < y < p-1; ECP: both coordinates below p and the point on the
// curve. Curve25519 values are only length-checked (RFC 8031 §2: check g^ir instead).
Status validate_dh_public_value(DhGroup group, OctetSpan public_value);

// An ephemeral key pair of one group.
class DhKeyPair {
public:
    static Result<DhKeyPair> generate(DhGroup group);

    // A key pair from a known private value, for known-answer tests and reproducible
    // transcripts: MODP exponent x / ECP scalar d as big-endian octets (1 <= x < p-1,
    // 1 <= d < n), Curve25519 the 32-octet scalar of RFC 7748 §5 (clamped by X25519).
    static Result<DhKeyPair> from_private_key(DhGroup group, OctetSpan private_key);

    DhGroup group() const { return group_; }

    // Our Key Exchange Data, in the IKE encoding for the group.
    const Octets& public_value() const { return public_value_; }

    // g^ir from the peer's Key Exchange Data, validated first; fixed length per group.
    Result<Octets> shared_secret(OctetSpan peer_public_value) const;

private:
    DhKeyPair(DhGroup group, ossl::PkeyPtr key, Octets public_value)
        : group_(group), key_(std::move(key)), public_value_(std::move(public_value)) {}

    DhGroup group_;
    ossl::PkeyPtr key_;
    Octets public_value_;
};

}  // namespace hnbsec::ike
