#pragma once
// HMAC (RFC 2104) through OpenSSL's EVP_MAC: the building block of the IKEv2 PRFs
// (RFC 7296 §2.13, RFC 4868 §2.1) and the integrity transforms (RFC 2404, RFC 4868).

#include <initializer_list>
#include <string>

#include "core/result.h"
#include "proto/ike/crypto/octets.h"
#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::ike {

// An HMAC keyed once and applied to many messages (prf+ iterations, every SK payload).
class HmacKey {
public:
    // digest: an OpenSSL digest name, "SHA2-256" etc.
    static Result<HmacKey> create(std::string digest, OctetSpan key);

    // HMAC(key, part1 | part2 | ...), full length.
    Result<Octets> compute(std::initializer_list<OctetSpan> message) const;

    std::size_t output_size() const { return output_size_; }
    const std::string& digest() const { return digest_; }

private:
    HmacKey(std::string digest, ossl::MacCtxPtr ctx, std::size_t output_size)
        : digest_(std::move(digest)), keyed_(std::move(ctx)), output_size_(output_size) {}

    std::string digest_;
    ossl::MacCtxPtr keyed_;  // initialised with the key; each compute() works on a copy
    std::size_t output_size_;
};

}  // namespace hnbsec::ike
