#pragma once
// Signing and verifying AUTH payloads with an EVP_PKEY (RFC 7296 §2.15, §3.8). The key
// may live anywhere OpenSSL can use it: in memory, or on a PKCS#11 token through libp11,
// since only EVP_DigestSign / EVP_DigestVerify are called.
//   method 1       RSA, RSASSA-PKCS1-v1_5 with SHA-1 (RFC 7296 §3.8, RFC 7427 §1)
//   methods 9-11   ECDSA with SHA-256/P-256, SHA-384/P-384, SHA-512/P-521; the signature is
//                  r | s, each the size of the curve's field (RFC 4754 §7)
//   method 14      Digital Signature (RFC 7427): AlgorithmIdentifier + signature; ECDSA
//                  signatures DER-encoded Ecdsa-Sig-Value (RFC 7427 §3, RFC 5480)

#include <openssl/evp.h>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/crypto/signature_algorithm.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// A signature of data; ECDSA comes out DER-encoded.
Result<Octets> sign(EVP_PKEY* key, const SignatureAlgorithm& algorithm, OctetSpan data);

// Ok when signature is valid for data; "signature does not verify" (with a hint when an
// ECDSA signature looks raw rather than DER) otherwise.
Status verify(EVP_PKEY* key, const SignatureAlgorithm& algorithm, OctetSpan data, OctetSpan signature);

// ECDSA signature encodings: DER Ecdsa-Sig-Value <-> r | s of `half` octets each.
Result<Octets> ecdsa_der_to_raw(OctetSpan der, std::size_t half);
Result<Octets> ecdsa_raw_to_der(OctetSpan raw);

// AUTH Data for methods 1, 9, 10 and 11 over the signed octets.
Result<Octets> sign_auth_data(AuthMethod method, EVP_PKEY* key, OctetSpan signed_octets);

// AUTH Data for method 14 with the given algorithm.
Result<Octets> sign_digital_signature_auth_data(EVP_PKEY* key, const SignatureAlgorithm& algorithm,
                                                OctetSpan signed_octets);

// Verifies the AUTH Data of any signature method (1, 9, 10, 11, 14) with the peer's public
// key; returns the algorithm the peer used, so a test can check it against policy.
Result<SignatureAlgorithm> verify_auth_data(AuthMethod method, EVP_PKEY* key, OctetSpan signed_octets,
                                            OctetSpan auth_data);

}  // namespace hnbsec::ike
