#include "proto/esp/esp_transform.h"

#include <array>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"
#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::esp {
namespace {

using CipherPtr = std::unique_ptr<EVP_CIPHER, ike::ossl::Deleter<EVP_CIPHER, EVP_CIPHER_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, ike::ossl::Deleter<EVP_MAC, EVP_MAC_free>>;

constexpr std::size_t kHeader = 8;  // SPI | Sequence Number
constexpr std::size_t kSaltSize = 4;

void put32(std::uint8_t* out, std::uint32_t v) {
    out[0] = static_cast<std::uint8_t>(v >> 24);
    out[1] = static_cast<std::uint8_t>(v >> 16);
    out[2] = static_cast<std::uint8_t>(v >> 8);
    out[3] = static_cast<std::uint8_t>(v);
}

const char* digest_name(ike::IntegId id) {
    switch (id) {
        case ike::IntegId::kHmacSha1_96:
            return "SHA1";
        case ike::IntegId::kHmacSha2_256_128:
            return "SHA2-256";
        case ike::IntegId::kHmacSha2_384_192:
            return "SHA2-384";
        case ike::IntegId::kHmacSha2_512_256:
            return "SHA2-512";
        default:
            return nullptr;
    }
}

}  // namespace

struct EspTransform::Contexts {
    CipherPtr cipher;
    ike::ossl::CipherCtxPtr encrypt;
    ike::ossl::CipherCtxPtr decrypt;
    MacPtr mac;
    ike::ossl::MacCtxPtr hmac;
    std::array<std::uint8_t, kSaltSize> salt{};
};

EspTransform::EspTransform(EspTransform&&) noexcept = default;
EspTransform& EspTransform::operator=(EspTransform&&) noexcept = default;
EspTransform::~EspTransform() = default;

Result<EspTransform> EspTransform::create(const ike::Suite& suite, ByteSpan encryption_keymat,
                                          ByteSpan integrity_key) {
    const std::string suite_name = ike::to_string(suite, ike::ProposalProtocol::kEsp);
    const bool gcm = suite.encr == ike::EncrId::kAesGcm8 || suite.encr == ike::EncrId::kAesGcm12 ||
                     suite.encr == ike::EncrId::kAesGcm16;
    if (!gcm && suite.encr != ike::EncrId::kAesCbc) {
        return Error("ESP transform " + suite_name + " is not supported (AES-GCM and AES-CBC are)");
    }
    HNBSEC_TRY(const ike::EncrFacts facts, ike::encr_facts(suite.encr, suite.encr_key_bits));
    if (encryption_keymat.size() != facts.keymat_size()) {
        return Error("ESP " + suite_name + " needs " + std::to_string(facts.keymat_size()) +
                     " octets of encryption keying material, got " +
                     std::to_string(encryption_keymat.size()));
    }
    EspTransform t;
    t.ctx_ = std::make_unique<Contexts>();
    t.name_ = suite_name;
    t.aead_ = gcm;
    t.iv_size_ = facts.iv_size;
    const ByteSpan key = encryption_keymat.first(facts.key_size);
    const std::string cipher_name = "AES-" + std::to_string(facts.key_size * 8) + (gcm ? "-GCM" : "-CBC");
    t.ctx_->cipher.reset(EVP_CIPHER_fetch(nullptr, cipher_name.c_str(), nullptr));
    t.ctx_->encrypt.reset(EVP_CIPHER_CTX_new());
    t.ctx_->decrypt.reset(EVP_CIPHER_CTX_new());
    if (!t.ctx_->cipher || !t.ctx_->encrypt || !t.ctx_->decrypt) {
        return Error("OpenSSL has no " + cipher_name + ": " + ike::ossl::errors());
    }
    if (EVP_EncryptInit_ex2(t.ctx_->encrypt.get(), t.ctx_->cipher.get(), key.data(), nullptr, nullptr) != 1 ||
        EVP_DecryptInit_ex2(t.ctx_->decrypt.get(), t.ctx_->cipher.get(), key.data(), nullptr, nullptr) != 1) {
        return Error("keying " + cipher_name + " failed: " + ike::ossl::errors());
    }
    if (gcm) {
        std::copy(encryption_keymat.begin() + static_cast<std::ptrdiff_t>(facts.key_size),
                  encryption_keymat.end(), t.ctx_->salt.begin());
        t.icv_size_ = facts.icv_size;
        t.alignment_ = 4;  // RFC 4303 §2.4: Pad Length and Next Header end on a 4-octet boundary
        if (!integrity_key.empty()) return Error("ESP " + suite_name + " is AEAD and takes no integrity key");
        return t;
    }
    EVP_CIPHER_CTX_set_padding(t.ctx_->encrypt.get(), 0);  // ESP pads itself (§2.4)
    EVP_CIPHER_CTX_set_padding(t.ctx_->decrypt.get(), 0);
    t.alignment_ = facts.block_size;
    const char* digest = digest_name(suite.integ);
    if (digest == nullptr) return Error("ESP integrity transform of " + suite_name + " is not supported");
    if (integrity_key.size() != ike::integ_key_size(suite.integ)) {
        return Error("ESP " + suite_name + " needs a " + std::to_string(ike::integ_key_size(suite.integ)) +
                     "-octet integrity key, got " + std::to_string(integrity_key.size()));
    }
    t.icv_size_ = ike::integ_icv_size(suite.integ);
    t.ctx_->mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!t.ctx_->mac) return Error("OpenSSL has no HMAC: " + ike::ossl::errors());
    t.ctx_->hmac.reset(EVP_MAC_CTX_new(t.ctx_->mac.get()));
    std::array<OSSL_PARAM, 2> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(digest), 0),  // NOLINT
        OSSL_PARAM_construct_end()};
    if (!t.ctx_->hmac ||
        EVP_MAC_init(t.ctx_->hmac.get(), integrity_key.data(), integrity_key.size(), params.data()) != 1) {
        return Error("keying HMAC-" + std::string(digest) + " failed: " + ike::ossl::errors());
    }
    return t;
}

Status EspTransform::seal(std::span<std::uint8_t> packet, std::uint64_t seq, bool esn) {
    std::uint8_t* const iv = packet.data() + kHeader;
    std::uint8_t* const text = iv + iv_size_;
    const std::size_t text_size = packet.size() - kHeader - iv_size_ - icv_size_;
    std::uint8_t* const icv = text + text_size;
    int written = 0;
    if (aead_) {
        put32(iv, static_cast<std::uint32_t>(seq >> 32));
        put32(iv + 4, static_cast<std::uint32_t>(seq));
        std::array<std::uint8_t, 12> nonce{};
        std::copy(ctx_->salt.begin(), ctx_->salt.end(), nonce.begin());
        std::copy(iv, iv + 8, nonce.begin() + kSaltSize);
        std::array<std::uint8_t, 12> aad{};
        std::size_t aad_size = 8;
        std::copy(packet.begin(), packet.begin() + 4, aad.begin());
        if (esn) {
            put32(aad.data() + 4, static_cast<std::uint32_t>(seq >> 32));
            std::copy(packet.begin() + 4, packet.begin() + 8, aad.begin() + 8);
            aad_size = 12;
        } else {
            std::copy(packet.begin() + 4, packet.begin() + 8, aad.begin() + 4);
        }
        EVP_CIPHER_CTX* c = ctx_->encrypt.get();
        if (EVP_EncryptInit_ex2(c, nullptr, nullptr, nonce.data(), nullptr) != 1 ||
            EVP_EncryptUpdate(c, nullptr, &written, aad.data(), static_cast<int>(aad_size)) != 1 ||
            EVP_EncryptUpdate(c, text, &written, text, static_cast<int>(text_size)) != 1 ||
            EVP_EncryptFinal_ex(c, text + written, &written) != 1 ||
            EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, static_cast<int>(icv_size_), icv) != 1) {
            return Error("AES-GCM encryption failed: " + ike::ossl::errors());
        }
        return Ok{};
    }
    if (RAND_bytes(iv, static_cast<int>(iv_size_)) != 1) return Error("no random IV: " + ike::ossl::errors());
    EVP_CIPHER_CTX* c = ctx_->encrypt.get();
    if (EVP_EncryptInit_ex2(c, nullptr, nullptr, iv, nullptr) != 1 ||
        EVP_EncryptUpdate(c, text, &written, text, static_cast<int>(text_size)) != 1) {
        return Error("AES-CBC encryption failed: " + ike::ossl::errors());
    }
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    std::size_t mac_size = 0;
    std::array<std::uint8_t, 4> high{};
    put32(high.data(), static_cast<std::uint32_t>(seq >> 32));
    EVP_MAC_CTX* m = ctx_->hmac.get();
    // A NULL key re-initialises HMAC with the key set at create() (OpenSSL 3).
    if (EVP_MAC_init(m, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(m, packet.data(), static_cast<std::size_t>(icv - packet.data())) != 1 ||
        (esn && EVP_MAC_update(m, high.data(), high.size()) != 1) ||
        EVP_MAC_final(m, mac.data(), &mac_size, mac.size()) != 1 || mac_size < icv_size_) {
        return Error("HMAC failed: " + ike::ossl::errors());
    }
    std::copy(mac.begin(), mac.begin() + static_cast<std::ptrdiff_t>(icv_size_), icv);
    return Ok{};
}

bool EspTransform::open(ByteSpan packet, std::uint64_t seq, bool esn, Bytes& plaintext) {
    const std::uint8_t* const iv = packet.data() + kHeader;
    const std::uint8_t* const text = iv + iv_size_;
    const std::size_t text_size = packet.size() - kHeader - iv_size_ - icv_size_;
    const std::uint8_t* const icv = text + text_size;
    plaintext.resize(text_size);
    int written = 0;
    if (aead_) {
        std::array<std::uint8_t, 12> nonce{};
        std::copy(ctx_->salt.begin(), ctx_->salt.end(), nonce.begin());
        std::copy(iv, iv + 8, nonce.begin() + kSaltSize);
        std::array<std::uint8_t, 12> aad{};
        std::size_t aad_size = 8;
        std::copy(packet.begin(), packet.begin() + 4, aad.begin());
        if (esn) {
            put32(aad.data() + 4, static_cast<std::uint32_t>(seq >> 32));
            std::copy(packet.begin() + 4, packet.begin() + 8, aad.begin() + 8);
            aad_size = 12;
        } else {
            std::copy(packet.begin() + 4, packet.begin() + 8, aad.begin() + 4);
        }
        std::array<std::uint8_t, 16> tag{};
        std::copy(icv, icv + icv_size_, tag.begin());
        EVP_CIPHER_CTX* c = ctx_->decrypt.get();
        return EVP_DecryptInit_ex2(c, nullptr, nullptr, nonce.data(), nullptr) == 1 &&
               EVP_DecryptUpdate(c, nullptr, &written, aad.data(), static_cast<int>(aad_size)) == 1 &&
               EVP_DecryptUpdate(c, plaintext.data(), &written, text, static_cast<int>(text_size)) == 1 &&
               EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, static_cast<int>(icv_size_), tag.data()) == 1 &&
               EVP_DecryptFinal_ex(c, plaintext.data() + written, &written) == 1;
    }
    // Integrity first (RFC 4303 §3.4.4.1): nothing is decrypted for a forged packet.
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    std::size_t mac_size = 0;
    std::array<std::uint8_t, 4> high{};
    put32(high.data(), static_cast<std::uint32_t>(seq >> 32));
    EVP_MAC_CTX* m = ctx_->hmac.get();
    if (EVP_MAC_init(m, nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(m, packet.data(), static_cast<std::size_t>(icv - packet.data())) != 1 ||
        (esn && EVP_MAC_update(m, high.data(), high.size()) != 1) ||
        EVP_MAC_final(m, mac.data(), &mac_size, mac.size()) != 1 || mac_size < icv_size_) {
        ike::ossl::clear_errors();
        return false;
    }
    if (CRYPTO_memcmp(mac.data(), icv, icv_size_) != 0) return false;
    EVP_CIPHER_CTX* c = ctx_->decrypt.get();
    return EVP_DecryptInit_ex2(c, nullptr, nullptr, iv, nullptr) == 1 &&
           EVP_DecryptUpdate(c, plaintext.data(), &written, text, static_cast<int>(text_size)) == 1;
}

}  // namespace hnbsec::esp
