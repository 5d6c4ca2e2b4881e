#pragma once
// A negotiated suite: the one transform of each type an SA uses (RFC 7296 §3.3), as
// the key schedule and the SK payload need it.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

struct Suite {
    EncrId encr = EncrId::kAesCbc;
    std::uint16_t encr_key_bits = 128;           // Key Length attribute; 0 for fixed-size ciphers
    IntegId integ = IntegId::kHmacSha2_256_128;  // kNone with an AEAD cipher
    PrfId prf = PrfId::kHmacSha2_256;            // IKE SA only
    DhGroup dh = DhGroup::kNone;                 // IKE SA, or PFS of a Child SA
    friend bool operator==(const Suite&, const Suite&) = default;
};

// Checks that this layer can run the suite: every transform supported, an integrity
// transform exactly when the cipher is not AEAD, no ENCR_NULL for IKE.
Status check_suite(const Suite& suite, ProposalProtocol protocol = ProposalProtocol::kIke);

// The first choice of each transform type of a proposal, checked.
Result<Suite> suite_from_proposal(const ProposalSpec& proposal);

// "aes128-sha256-modp2048" -> Suite (first choice of each type), checked.
Result<Suite> parse_suite(std::string_view proposal, ProposalProtocol protocol = ProposalProtocol::kIke);

// strongSwan's log notation: "AES_CBC_128/HMAC_SHA2_256_128/PRF_HMAC_SHA2_256/MODP_2048"
// (IKE), "AES_GCM_16_256/ECP_256" (ESP with PFS).
std::string to_string(const Suite& suite, ProposalProtocol protocol = ProposalProtocol::kIke);

}  // namespace hnbsec::ike
