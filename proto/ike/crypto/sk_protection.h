#pragma once
// Protection of the Encrypted payload SK (RFC 7296 §3.14) and of the Encrypted Fragment
// payload SKF (RFC 7383 §2.5), at the byte level, without the codec's types.
//
// A protected message is   prefix | IV | C | ICV   where
//   prefix  = every octet before the IV: the IKE header, any payloads before SK/SKF, and
//             the SK generic payload header (for SKF also Fragment Number and Total
//             Fragments), with its lengths already final;
//   C       = E(plaintext | padding | pad length);
//   ICV     = integrity over prefix | IV | C (CBC + HMAC, §3.14), or the AEAD tag with
//             prefix as the additional data (RFC 5282 §5.1, RFC 7383 §2.5).
// The codec computes the lengths with sk_body_size(), writes the prefix, then appends the
// body sk_protect() returns. sk_unprotect() checks the ICV before anything is decrypted.

#include <cstdint>
#include <optional>

#include "core/result.h"
#include "proto/ike/crypto/key_schedule.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/crypto/suite.h"

namespace hnbsec::ike {

// The keys of one direction: SK_ei with SK_ai, or SK_er with SK_ar. Views: the IkeSaKeys
// they point into must outlive them.
struct SkKeys {
    OctetSpan sk_e;
    OctetSpan sk_a;  // empty with AEAD
};

// The keys protecting messages sent by `sender` (RFC 7296 §2.14).
SkKeys sk_keys(const IkeSaKeys& keys, Sender sender);

struct SkProtectOptions {
    // The IV to send; random when absent (CBC: one block, RFC 7296 §3.14 says it MUST be
    // unpredictable; AEAD: 8 octets that MUST NOT repeat under one key, RFC 5282 §3.1).
    std::optional<Octets> iv;
    // Padding length; the minimum that aligns plaintext | padding | pad length to the
    // cipher's block when absent. 0-255, and the total must stay aligned.
    std::optional<std::size_t> pad_length;
    // Value of every padding octet (§3.14: any value is allowed).
    std::uint8_t pad_octet = 0;
    // The exact padding octets; overrides pad_length and pad_octet (replaying a peer's
    // message byte for byte, or sending odd padding on purpose).
    std::optional<Octets> padding;
};

// Octets sk_protect() will return for a plaintext of this size: IV | C | ICV.
Result<std::size_t> sk_body_size(const Suite& suite, std::size_t plaintext_size,
                                 const SkProtectOptions& options = {});

// Encrypts and protects the inner payloads; returns IV | C | ICV to follow the prefix.
Result<Octets> sk_protect(const Suite& suite, const SkKeys& keys, OctetSpan prefix, OctetSpan plaintext,
                          const SkProtectOptions& options = {});

struct SkUnprotected {
    Octets plaintext;  // the inner payloads
    Octets padding;    // as received, for checks on the peer's padding
};

// Verifies the ICV over prefix | body (body = IV | C | ICV), then decrypts and strips
// the padding. Errors name what failed: length, "ICV mismatch", pad length.
Result<SkUnprotected> sk_unprotect(const Suite& suite, const SkKeys& keys, OctetSpan prefix, OctetSpan body);

}  // namespace hnbsec::ike
