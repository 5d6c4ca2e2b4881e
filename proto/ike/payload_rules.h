#pragma once
// Internal to the codec. What the payload chain needs to know per payload type, as a
// table: which body struct decodes it, its fixed minimum size, and whether it ends the
// chain. A type without a row is unknown to the codec (RFC 7296 §2.5 decides its fate).

#include <cstddef>

#include "core/result.h"
#include "proto/ike/constants.h"
#include "proto/ike/layout_io.h"
#include "proto/ike/payloads.h"

namespace hnbsec::ike::detail {

struct PayloadRule {
    PayloadType type;
    // Octets of fixed fields after the 4-octet generic header.
    std::size_t min_body;
    // SK and SKF: the Next Payload field names the first inner payload, and nothing
    // may follow them (RFC 7296 §3.14, RFC 7383 §2.5).
    bool ends_chain;
    Status (*decode)(LayoutDecoder& io, PayloadBody& body);
};

// nullptr for payload types the codec does not know.
const PayloadRule* find_payload_rule(PayloadType type);

}  // namespace hnbsec::ike::detail
