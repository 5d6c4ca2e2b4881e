#pragma once
// The IKEv2 key schedule (RFC 7296 §2.14, §2.17, §2.18):
//   SKEYSEED = prf(Ni | Nr, g^ir)
//   {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr)
//   rekeyed IKE SA:  SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr)
//   Child SA:        KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr)
// Lengths come from the suite: SK_d/SK_p* the PRF's key size, SK_a* the integrity key
// (none with AEAD), SK_e* the cipher key plus the AEAD salt (RFC 5282 §7.1).

#include <cstddef>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/crypto/suite.h"

namespace hnbsec::ike {

// Which end of the SA: the original initiator or the original responder (RFC 7296 §2.14).
enum class Sender : std::uint8_t { kInitiator, kResponder };

struct IkeSaKeyLengths {
    std::size_t sk_d = 0;
    std::size_t sk_a = 0;  // each of SK_ai, SK_ar
    std::size_t sk_e = 0;  // each of SK_ei, SK_er (key | salt for AEAD)
    std::size_t sk_p = 0;  // each of SK_pi, SK_pr
    std::size_t total() const { return sk_d + 2 * (sk_a + sk_e + sk_p); }
};

Result<IkeSaKeyLengths> ike_sa_key_lengths(const Suite& suite);

struct IkeSaKeys {
    Octets sk_d;
    Octets sk_ai;
    Octets sk_ar;
    Octets sk_ei;
    Octets sk_er;
    Octets sk_pi;
    Octets sk_pr;
};

// SKEYSEED of an IKE SA set up by IKE_SA_INIT (§2.14). The PRF key is Ni | Nr in full
// (HMAC PRFs take any key length).
Result<Octets> skeyseed(PrfId prf, OctetSpan ni, OctetSpan nr, OctetSpan g_ir);

// SKEYSEED of an IKE SA rekeyed by CREATE_CHILD_SA (§2.18), keyed with the old SA's
// SK_d and computed with the old SA's PRF (as strongSwan does); prf+ then runs with the
// new SA's PRF in derive_ike_sa_keys().
Result<Octets> rekey_skeyseed(PrfId old_prf, OctetSpan old_sk_d, OctetSpan g_ir_new, OctetSpan ni,
                              OctetSpan nr);

// SK_* from SKEYSEED (§2.14); spi_i and spi_r are the 8-octet IKE SPIs as on the wire.
Result<IkeSaKeys> derive_ike_sa_keys(const Suite& suite, OctetSpan skeyseed, OctetSpan ni, OctetSpan nr,
                                     OctetSpan spi_i, OctetSpan spi_r);

// Keys of one Child SA (§2.17): "i" keys protect traffic from the initiator of the
// exchange that created the Child SA to its responder; "r" keys the other direction.
struct ChildSaKeys {
    Octets encr_i;
    Octets integ_i;
    Octets encr_r;
    Octets integ_r;
};

// KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), split as initiator encryption key,
// initiator integrity key, responder encryption key, responder integrity key. g_ir_new is
// empty without PFS; child describes the Child SA's encryption and integrity transforms.
Result<ChildSaKeys> derive_child_sa_keys(PrfId prf, const Suite& child, OctetSpan sk_d, OctetSpan g_ir_new,
                                         OctetSpan ni, OctetSpan nr);

}  // namespace hnbsec::ike
