#pragma once
// The IKEv2 pseudorandom functions (RFC 7296 §2.13; HMAC-SHA2 per RFC 4868 §2.1)
// and prf+, the expansion that turns SKEYSEED and SK_d into keying material.

#include <initializer_list>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// PRFs this layer computes: HMAC-MD5, HMAC-SHA1, HMAC-SHA2-256/384/512 (not AES128-XCBC).
bool prf_supported(PrfId id);

// Output length of the PRF in octets (0 when unsupported).
std::size_t prf_output_size(PrfId id);

// The key length the PRF wants for SK_d, SK_pi and SK_pr: for HMAC PRFs the output
// length (RFC 7296 §2.13: "the preferred key size"; RFC 4868 §2.2). 0 when unsupported.
std::size_t prf_key_size(PrfId id);

// prf(K, S), S given as the concatenation of parts (RFC 7296 writes "Ni | Nr").
Result<Octets> prf(PrfId id, OctetSpan key, OctetSpan data);
Result<Octets> prf(PrfId id, OctetSpan key, std::initializer_list<OctetSpan> data);

// prf+(K, S) = T1 | T2 | ... truncated to `length` octets, where
//   T1 = prf(K, S | 0x01), Tn = prf(K, Tn-1 | S | n)     (RFC 7296 §2.13)
// The counter is one octet, so at most 255 blocks: a longer request is an error.
Result<Octets> prf_plus(PrfId id, OctetSpan key, OctetSpan seed, std::size_t length);

}  // namespace hnbsec::ike
