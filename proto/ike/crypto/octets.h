#pragma once
// Octet strings as the IKEv2 key schedule and payload protection handle them:
// an owning vector and a read-only view. Plain standard types, so the codec
// and the crypto layer exchange bytes without depending on each other.

#include <cstdint>
#include <initializer_list>
#include <span>
#include <vector>

namespace hnbsec::ike {

using Octets = std::vector<std::uint8_t>;
using OctetSpan = std::span<const std::uint8_t>;

// a | b | c, the concatenation RFC 7296 writes with "|".
inline Octets concat(std::initializer_list<OctetSpan> parts) {
    std::size_t size = 0;
    for (OctetSpan p : parts) size += p.size();
    Octets out;
    out.reserve(size);
    for (OctetSpan p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

}  // namespace hnbsec::ike
