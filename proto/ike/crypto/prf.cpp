#include "proto/ike/crypto/prf.h"

#include <algorithm>
#include <cstdint>

#include "proto/ike/crypto/hmac.h"

namespace hnbsec::ike {
namespace {

const char* prf_digest(PrfId id) {
    switch (id) {
        case PrfId::kHmacMd5:
            return "MD5";
        case PrfId::kHmacSha1:
            return "SHA1";
        case PrfId::kHmacSha2_256:
            return "SHA2-256";
        case PrfId::kHmacSha2_384:
            return "SHA2-384";
        case PrfId::kHmacSha2_512:
            return "SHA2-512";
        case PrfId::kAes128Xcbc:
            break;
    }
    return nullptr;
}

Result<HmacKey> prf_key(PrfId id, OctetSpan key) {
    const char* digest = prf_digest(id);
    if (digest == nullptr) return Error(to_string(id) + " is not supported");
    return HmacKey::create(digest, key);
}

}  // namespace

bool prf_supported(PrfId id) {
    return prf_digest(id) != nullptr;
}

std::size_t prf_output_size(PrfId id) {
    switch (id) {
        case PrfId::kHmacMd5:
            return 16;
        case PrfId::kHmacSha1:
            return 20;
        case PrfId::kHmacSha2_256:
            return 32;
        case PrfId::kHmacSha2_384:
            return 48;
        case PrfId::kHmacSha2_512:
            return 64;
        case PrfId::kAes128Xcbc:
            break;
    }
    return 0;
}

std::size_t prf_key_size(PrfId id) {
    return prf_output_size(id);
}

Result<Octets> prf(PrfId id, OctetSpan key, OctetSpan data) {
    return prf(id, key, {data});
}

Result<Octets> prf(PrfId id, OctetSpan key, std::initializer_list<OctetSpan> data) {
    HNBSEC_TRY(HmacKey mac, prf_key(id, key));
    return mac.compute(data);
}

Result<Octets> prf_plus(PrfId id, OctetSpan key, OctetSpan seed, std::size_t length) {
    const std::size_t block = prf_output_size(id);
    if (block == 0) return Error(to_string(id) + " is not supported");
    if (length > 255 * block)
        return Error("prf+ with " + to_string(id) + " yields at most 255 x " + std::to_string(block) + " = " +
                     std::to_string(255 * block) + " octets, " + std::to_string(length) +
                     " were asked (RFC 7296 §2.13)");
    HNBSEC_TRY(HmacKey mac, prf_key(id, key));
    Octets out;
    out.reserve(length);
    Octets t;  // T0 is empty
    for (std::uint8_t n = 1; out.size() < length; ++n) {
        const std::uint8_t counter[1] = {n};
        HNBSEC_TRY(t, mac.compute({t, seed, counter}));
        const std::size_t take = std::min(t.size(), length - out.size());
        out.insert(out.end(), t.begin(), t.begin() + static_cast<std::ptrdiff_t>(take));
    }
    return out;
}

}  // namespace hnbsec::ike
