#include "proto/ike/crypto/auth.h"

#include <string_view>

#include "proto/ike/crypto/prf.h"

namespace hnbsec::ike {
namespace {

// §2.15: the 17 ASCII characters, without a terminating NUL.
constexpr std::string_view kKeyPad = "Key Pad for IKEv2";

}  // namespace

Result<Octets> auth_signed_octets(PrfId prf_id, OctetSpan real_message, OctetSpan peer_nonce, OctetSpan sk_p,
                                  OctetSpan id_payload_body) {
    if (real_message.size() < 28)
        return Error("RealMessage of " + std::to_string(real_message.size()) +
                     " octets is shorter than an IKE header (RFC 7296 §3.1)");
    if (id_payload_body.size() < 4)
        return Error("ID payload body of " + std::to_string(id_payload_body.size()) +
                     " octets lacks ID Type and RESERVED (RFC 7296 §3.5)");
    HNBSEC_TRY(Octets maced_id, prf(prf_id, sk_p, id_payload_body));
    return concat({real_message, peer_nonce, maced_id});
}

Result<Octets> shared_key_auth(PrfId prf_id, OctetSpan shared_secret, OctetSpan signed_octets) {
    const OctetSpan key_pad(reinterpret_cast<const std::uint8_t*>(kKeyPad.data()), kKeyPad.size());
    HNBSEC_TRY(Octets key, prf(prf_id, shared_secret, key_pad));
    return prf(prf_id, key, signed_octets);
}

}  // namespace hnbsec::ike
