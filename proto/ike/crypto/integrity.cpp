#include "proto/ike/crypto/integrity.h"

#include <openssl/crypto.h>

#include "proto/ike/crypto/hmac.h"

namespace hnbsec::ike {
namespace {

const char* integ_digest(IntegId id) {
    switch (id) {
        case IntegId::kHmacMd5_96:
            return "MD5";
        case IntegId::kHmacSha1_96:
            return "SHA1";
        case IntegId::kHmacSha2_256_128:
            return "SHA2-256";
        case IntegId::kHmacSha2_384_192:
            return "SHA2-384";
        case IntegId::kHmacSha2_512_256:
            return "SHA2-512";
        case IntegId::kNone:
        case IntegId::kAesXcbc96:
            break;
    }
    return nullptr;
}

}  // namespace

bool integ_supported(IntegId id) {
    return integ_digest(id) != nullptr;
}

std::size_t integ_key_size(IntegId id) {
    switch (id) {
        case IntegId::kHmacMd5_96:
            return 16;
        case IntegId::kHmacSha1_96:
            return 20;
        case IntegId::kAesXcbc96:
            return 16;
        case IntegId::kHmacSha2_256_128:
            return 32;
        case IntegId::kHmacSha2_384_192:
            return 48;
        case IntegId::kHmacSha2_512_256:
            return 64;
        case IntegId::kNone:
            break;
    }
    return 0;
}

std::size_t integ_icv_size(IntegId id) {
    switch (id) {
        case IntegId::kHmacMd5_96:
        case IntegId::kHmacSha1_96:
        case IntegId::kAesXcbc96:
            return 12;
        case IntegId::kHmacSha2_256_128:
            return 16;
        case IntegId::kHmacSha2_384_192:
            return 24;
        case IntegId::kHmacSha2_512_256:
            return 32;
        case IntegId::kNone:
            break;
    }
    return 0;
}

Result<Octets> integ_compute(IntegId id, OctetSpan key, OctetSpan data) {
    const char* digest = integ_digest(id);
    if (digest == nullptr) return Error(to_string(id) + " is not supported");
    if (key.size() != integ_key_size(id))
        return Error(to_string(id) + " needs a " + std::to_string(integ_key_size(id)) + "-octet key, got " +
                     std::to_string(key.size()));
    HNBSEC_TRY(HmacKey mac, HmacKey::create(digest, key));
    HNBSEC_TRY(Octets full, mac.compute({data}));
    full.resize(integ_icv_size(id));
    return full;
}

Status integ_verify(IntegId id, OctetSpan key, OctetSpan data, OctetSpan icv) {
    HNBSEC_TRY(Octets expected, integ_compute(id, key, data));
    if (icv.size() != expected.size())
        return Error("ICV is " + std::to_string(icv.size()) + " octets, " + to_string(id) + " has " +
                     std::to_string(expected.size()));
    if (CRYPTO_memcmp(expected.data(), icv.data(), expected.size()) != 0)
        return Error("ICV mismatch (" + to_string(id) + " over " + std::to_string(data.size()) + " octets)");
    return Ok{};
}

}  // namespace hnbsec::ike
