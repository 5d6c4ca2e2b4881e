#pragma once
// The cryptographic half of one ESP SA (RFC 4303 §3.3.2, §3.4.4): encryption and ICV of a
// packet laid out as SPI | Sequence Number | IV | plaintext | ICV, in place, with OpenSSL
// EVP contexts fetched and keyed once per SA (the per-packet cost is then the cipher's).
//   - AES-GCM with 8/12/16-octet ICV (RFC 4106): keying material key | 4-octet salt, nonce
//     salt | 8-octet explicit IV, AAD SPI | Sequence Number (SPI | ESN high | low with ESN,
//     §5); the explicit IV is the 64-bit sequence number, unique per key as §3.1 requires.
//   - AES-CBC (RFC 3602) with a random IV per packet, and HMAC-SHA1-96 (RFC 2404) or
//     HMAC-SHA2-256/384/512 (RFC 4868), the ICV over SPI .. ciphertext with the ESN high
//     half appended when ESN is on (RFC 4303 §2.2.1, §3.3.2.1).

#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "core/result.h"
#include "proto/esp/types.h"
#include "proto/ike/crypto/suite.h"

namespace hnbsec::esp {

class EspTransform {
public:
    // Fails for a transform this layer does not run (naming it) or keys of the wrong length.
    static Result<EspTransform> create(const ike::Suite& suite, ByteSpan encryption_keymat,
                                       ByteSpan integrity_key);

    EspTransform(EspTransform&&) noexcept;
    EspTransform& operator=(EspTransform&&) noexcept;
    ~EspTransform();

    std::size_t iv_size() const { return iv_size_; }
    std::size_t icv_size() const { return icv_size_; }
    // Plaintext | padding | Pad Length | Next Header aligns to this (4 for GCM, §2.4; the
    // cipher block for CBC).
    std::size_t alignment() const { return alignment_; }
    bool cbc() const { return !aead_; }
    std::string name() const { return name_; }  // "AES_GCM_16_128", "AES_CBC_128/HMAC_SHA2_256_128"

    // `packet` holds SPI | low 32 bits of seq | room for the IV | plaintext | room for the
    // ICV; writes the IV, encrypts the plaintext in place and writes the ICV.
    Status seal(std::span<std::uint8_t> packet, std::uint64_t seq, bool esn);

    // Verifies the ICV of `packet` (layout as above) and decrypts its ciphertext into
    // `plaintext`. false on a wrong ICV (AES-GCM: a failing tag); `plaintext` is then
    // unspecified. The caller has checked the length (at least header, IV, one block, ICV).
    bool open(ByteSpan packet, std::uint64_t seq, bool esn, Bytes& plaintext);
    // Whether open() may be given a packet of this size: header, IV, Pad Length, Next
    // Header and ICV fit, and (CBC) the ciphertext is whole blocks (RFC 3602 §3).
    bool fits(std::size_t packet_size) const {
        const std::size_t overhead = 8 + iv_size_ + icv_size_;
        return packet_size >= overhead + 2 && (aead_ || (packet_size - overhead) % alignment_ == 0);
    }

private:
    struct Contexts;
    EspTransform() = default;

    std::unique_ptr<Contexts> ctx_;
    std::size_t iv_size_ = 0;
    std::size_t icv_size_ = 0;
    std::size_t alignment_ = 4;
    bool aead_ = false;
    std::string name_;
};

}  // namespace hnbsec::esp
