#pragma once
// The AUTH payload's MAC constructions (RFC 7296 §2.15, §2.16).
//
//   InitiatorSignedOctets = RealMessage1 | NonceRData | MACedIDForI
//   ResponderSignedOctets = RealMessage2 | NonceIData | MACedIDForR
//   MACedIDForI = prf(SK_pi, RestOfInitIDPayload), MACedIDForR = prf(SK_pr, RestOfRespIDPayload)
//   shared key MIC: AUTH = prf( prf(Shared Secret, "Key Pad for IKEv2"), <SignedOctets>)
//
// RealMessage is the whole IKE_SA_INIT message the signer sent (from the IKE header, without
// the non-ESP marker); the nonce is the peer's Nonce Data; RestOf...IDPayload is the ID
// payload body after the generic header: ID Type, three RESERVED octets, identification data.

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// The octets an AUTH payload signs or MACs (§2.15).
Result<Octets> auth_signed_octets(PrfId prf, OctetSpan real_message, OctetSpan peer_nonce, OctetSpan sk_p,
                                  OctetSpan id_payload_body);

// AUTH Data of method 2, Shared Key Message Integrity Code (§2.15). With EAP (§2.16) the
// shared secret is the MSK the EAP method exported, or SK_pi / SK_pr when it exported none.
Result<Octets> shared_key_auth(PrfId prf, OctetSpan shared_secret, OctetSpan signed_octets);

}  // namespace hnbsec::ike
