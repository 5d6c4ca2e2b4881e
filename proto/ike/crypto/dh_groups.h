#pragma once
// The facts behind each Diffie-Hellman group (RFC 2409 §6, RFC 3526, RFC 5903 §3,
// RFC 8031): its family, OpenSSL's name for it, and the sizes of its encodings.

#include <cstddef>

#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

enum class DhFamily { kModp, kEcp, kCurve25519 };

struct DhGroupInfo {
    DhGroup group;
    DhFamily family;
    // OpenSSL's group name ("modp_2048", "P-256", "X25519"), or nullptr for the RFC 2409
    // groups OpenSSL 3.0 does not name (its "modp_*" list starts at 1536 bits).
    const char* openssl_name;
    // For unnamed MODP groups: the prime in hex (generator 2).
    const char* prime_hex;
    int curve_nid;           // ECP: the OpenSSL NID of the curve
    std::size_t field_size;  // octets of the prime (MODP, Curve25519) or of one coordinate (ECP)
};

// nullptr when the group is unknown or unsupported.
const DhGroupInfo* dh_group_info(DhGroup group);

}  // namespace hnbsec::ike
