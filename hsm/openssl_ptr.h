#pragma once
// Owning handles for the OpenSSL objects the hsm layer hands out or uses
// internally, plus a reader for OpenSSL's thread-local error queue.

#include <memory>
#include <string>

#include <openssl/bn.h>
#include <openssl/evp.h>

namespace hnbsec::hsm {

struct EvpPkeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};
struct EvpPkeyCtxFree {
    void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct EvpMdCtxFree {
    void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct BignumFree {
    void operator()(BIGNUM* bn) const { BN_free(bn); }
};

using EvpPkeyPtr = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;
using EvpPkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;
using EvpMdCtxPtr = std::unique_ptr<EVP_MD_CTX, EvpMdCtxFree>;
using BignumPtr = std::unique_ptr<BIGNUM, BignumFree>;

// Drains OpenSSL's error queue into one line ("error:...; error:..."), or
// "no OpenSSL error recorded" so a message never ends in an empty quote.
std::string openssl_errors();

}  // namespace hnbsec::hsm
