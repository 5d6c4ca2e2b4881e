#include "proto/ike/crypto/hmac.h"

#include <openssl/core_names.h>

namespace hnbsec::ike {
namespace {

// Fetched once: EVP_MAC_fetch is costly, and the object is immutable and thread-safe.
EVP_MAC* hmac_algorithm() {
    static EVP_MAC* const mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    return mac;
}

}  // namespace

Result<HmacKey> HmacKey::create(std::string digest, OctetSpan key) {
    EVP_MAC* mac = hmac_algorithm();
    if (mac == nullptr) return Error("OpenSSL has no HMAC: " + ossl::errors());
    ossl::MacCtxPtr ctx(EVP_MAC_CTX_new(mac));
    if (!ctx) return Error("EVP_MAC_CTX_new failed: " + ossl::errors());
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest.data(), 0),
        OSSL_PARAM_construct_end(),
    };
    // OpenSSL treats a null key pointer as "re-initialise with the previous key";
    // an empty key is legal HMAC input, so pass a valid pointer with length 0.
    static const unsigned char kNoKey = 0;
    const unsigned char* key_ptr = key.empty() ? &kNoKey : key.data();
    if (EVP_MAC_init(ctx.get(), key_ptr, key.size(), params) != 1)
        return Error("HMAC-" + digest + " initialisation failed: " + ossl::errors());
    std::size_t size = EVP_MAC_CTX_get_mac_size(ctx.get());
    return HmacKey(std::move(digest), std::move(ctx), size);
}

Result<Octets> HmacKey::compute(std::initializer_list<OctetSpan> message) const {
    ossl::MacCtxPtr ctx(EVP_MAC_CTX_dup(keyed_.get()));
    if (!ctx) return Error("EVP_MAC_CTX_dup failed: " + ossl::errors());
    for (OctetSpan part : message)
        if (!part.empty() && EVP_MAC_update(ctx.get(), part.data(), part.size()) != 1)
            return Error("HMAC-" + digest_ + " update failed: " + ossl::errors());
    Octets out(output_size_);
    std::size_t len = 0;
    if (EVP_MAC_final(ctx.get(), out.data(), &len, out.size()) != 1)
        return Error("HMAC-" + digest_ + " final failed: " + ossl::errors());
    out.resize(len);
    return out;
}

}  // namespace hnbsec::ike
