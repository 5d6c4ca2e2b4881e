#pragma once
// The integrity transforms of IKE and ESP: HMAC truncated to the ICV length
// (HMAC-SHA1-96 RFC 2404, HMAC-SHA2-256-128/384-192/512-256 RFC 4868 §2.3, HMAC-MD5-96
// RFC 2403), with a constant-time check of a received ICV.

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// Transforms this layer computes (every HMAC one; not AES-XCBC-96, not NONE).
bool integ_supported(IntegId id);

// Key length in octets (RFC 4868 §2.1.1: the hash output length; 20 for SHA1, 16 for MD5).
std::size_t integ_key_size(IntegId id);

// Truncated ICV length in octets (12 for the -96 transforms, 16/24/32 for RFC 4868).
std::size_t integ_icv_size(IntegId id);

// The truncated ICV of data.
Result<Octets> integ_compute(IntegId id, OctetSpan key, OctetSpan data);

// Ok when icv is the ICV of data; "ICV mismatch (...)" otherwise. The comparison takes
// the same time wherever the first differing octet is.
Status integ_verify(IntegId id, OctetSpan key, OctetSpan data, OctetSpan icv);

}  // namespace hnbsec::ike
