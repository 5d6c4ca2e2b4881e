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
using MdPtr = std::unique_ptr<EVP_MD, ike::ossl::Deleter<EVP_MD, EVP_MD_free>>;

constexpr std::size_t kHeader = 8;  // SPI | Sequence Number
constexpr std::size_t kSaltSize = 4;
constexpr std::ptrdiff_t kCbcChain = 16;  // one AES block (RFC 3602 §2.1)

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

// AES-CBC (RFC 3602 §2) chains every block to the ciphertext block before it, the first
// to the IV. The contexts are keyed once and never given a new IV: a context carries on
// from the last ciphertext block it processed (`chain`), so the packet's first block is
// chained to that block instead of to the packet's IV. XORing the first plaintext block
// with IV ^ chain corrects it: before encrypting (E(P ^ IV ^ chain ^ chain) = E(P ^ IV)) or
// after decrypting (D(C) ^ chain ^ IV ^ chain = D(C) ^ IV). A new IV through
// EVP_*Init_ex2() cost OpenSSL 3 four times what decrypting a 200-octet packet does.
void rechain(std::uint8_t* first_block, const std::uint8_t* iv, const std::array<std::uint8_t, 16>& chain) {
    for (std::size_t i = 0; i < chain.size(); ++i) first_block[i] ^= iv[i] ^ chain[i];
}

// RFC 4106 §5: the AAD is SPI | Sequence Number, or SPI | ESN high half | low half.
std::size_t gcm_aad(const std::uint8_t* packet, std::uint64_t seq, bool esn,
                    std::array<std::uint8_t, 12>& aad) {
    std::copy(packet, packet + 4, aad.begin());
    if (!esn) {
        std::copy(packet + 4, packet + 8, aad.begin() + 4);
        return 8;
    }
    put32(aad.data() + 4, static_cast<std::uint32_t>(seq >> 32));
    std::copy(packet + 4, packet + 8, aad.begin() + 8);
    return 12;
}

}  // namespace

struct EspTransform::Contexts {
    CipherPtr cipher;
    ike::ossl::CipherCtxPtr encrypt;
    ike::ossl::CipherCtxPtr decrypt;
    std::array<std::uint8_t, kSaltSize> salt{};

    // AES-GCM opening: the decrypt context holds the salt as the nonce's fixed part (set
    // once), and per packet one EVP_CIPHER_CTX_set_params() call hands it the 8-octet
    // explicit IV and the ICV through this prebuilt array, which points at the two buffers
    // below. That is how OpenSSL's TLS 1.2 GCM path sets its nonces; EVP_DecryptInit_ex2()
    // and the ctrl calls per packet each went through OpenSSL 3's parameter translation and
    // cost more than decrypting a small packet.
    std::array<std::uint8_t, 8> explicit_iv{};
    std::array<std::uint8_t, 16> tag{};
    std::array<OSSL_PARAM, 3> open_params{};

    // AES-CBC: the last ciphertext block each context processed, from which it chains
    // (see rechain()).
    std::array<std::uint8_t, 16> encrypt_chain{};
    std::array<std::uint8_t, 16> decrypt_chain{};

    // HMAC (RFC 2104 §2) run on the digest directly: `inner` and `outer` absorbed K ^ ipad
    // and K ^ opad once, at create(), and every packet starts from copies of them.
    // EVP_MAC_init() per packet went through OpenSSL 3's parameter handling on top and
    // cost a sixth more per packet.
    MdPtr digest;
    ike::ossl::MdCtxPtr inner;
    ike::ossl::MdCtxPtr outer;
    ike::ossl::MdCtxPtr work;

    Status key_hmac(const char* name, ByteSpan key) {
        digest.reset(EVP_MD_fetch(nullptr, name, nullptr));
        inner.reset(EVP_MD_CTX_new());
        outer.reset(EVP_MD_CTX_new());
        work.reset(EVP_MD_CTX_new());
        if (!digest || !inner || !outer || !work) return Error(std::string("OpenSSL has no ") + name);
        const auto block = static_cast<std::size_t>(EVP_MD_get_block_size(digest.get()));
        std::array<std::uint8_t, 128> pad{};  // the largest block: SHA-512's
        // A key longer than the block is hashed first (§2); ESP's keys never are (RFC 4868 §2.1.1).
        if (block > pad.size() || key.size() > block) return Error("HMAC key longer than the digest's block");
        bool ok = true;
        for (const auto& [ctx, xor_with] : {std::pair{inner.get(), 0x36}, std::pair{outer.get(), 0x5c}}) {
            for (std::size_t i = 0; i < block; ++i) {
                pad[i] = static_cast<std::uint8_t>((i < key.size() ? key[i] : 0) ^ xor_with);
            }
            ok = ok && EVP_DigestInit_ex2(ctx, digest.get(), nullptr) == 1 &&
                 EVP_DigestUpdate(ctx, pad.data(), block) == 1;
        }
        OPENSSL_cleanse(pad.data(), pad.size());
        if (!ok) return Error(std::string("keying HMAC-") + name + " failed: " + ike::ossl::errors());
        return Ok{};
    }

    // The HMAC over SPI .. ciphertext, with the ESN high half appended when ESN is on
    // (RFC 4303 §3.3.2.1), into `out` (at least `icv_size` octets of it).
    bool icv(ByteSpan covered, std::uint64_t seq, bool esn, std::size_t icv_size,
             std::array<std::uint8_t, EVP_MAX_MD_SIZE>& out) {
        std::array<std::uint8_t, 4> high{};
        put32(high.data(), static_cast<std::uint32_t>(seq >> 32));
        std::array<std::uint8_t, EVP_MAX_MD_SIZE> inner_hash{};
        unsigned inner_size = 0;
        unsigned size = 0;
        EVP_MD_CTX* w = work.get();
        return EVP_MD_CTX_copy_ex(w, inner.get()) == 1 &&
               EVP_DigestUpdate(w, covered.data(), covered.size()) == 1 &&
               (!esn || EVP_DigestUpdate(w, high.data(), high.size()) == 1) &&
               EVP_DigestFinal_ex(w, inner_hash.data(), &inner_size) == 1 &&
               EVP_MD_CTX_copy_ex(w, outer.get()) == 1 &&
               EVP_DigestUpdate(w, inner_hash.data(), inner_size) == 1 &&
               EVP_DigestFinal_ex(w, out.data(), &size) == 1 && size >= icv_size;
    }
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
    // CBC: both chains start at the zero block the Contexts hold (see rechain()).
    const std::uint8_t* const first_iv = gcm ? nullptr : t.ctx_->decrypt_chain.data();
    if (EVP_EncryptInit_ex2(t.ctx_->encrypt.get(), t.ctx_->cipher.get(), key.data(), first_iv, nullptr) !=
            1 ||
        EVP_DecryptInit_ex2(t.ctx_->decrypt.get(), t.ctx_->cipher.get(), key.data(), first_iv, nullptr) !=
            1) {
        return Error("keying " + cipher_name + " failed: " + ike::ossl::errors());
    }
    if (gcm) {
        Contexts& c = *t.ctx_;
        std::copy(encryption_keymat.begin() + static_cast<std::ptrdiff_t>(facts.key_size),
                  encryption_keymat.end(), c.salt.begin());
        t.icv_size_ = facts.icv_size;
        t.alignment_ = 4;  // RFC 4303 §2.4: Pad Length and Next Header end on a 4-octet boundary
        if (!integrity_key.empty()) return Error("ESP " + suite_name + " is AEAD and takes no integrity key");
        std::array<OSSL_PARAM, 2> fixed = {
            OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_IV_FIXED, c.salt.data(),
                                              c.salt.size()),
            OSSL_PARAM_construct_end()};
        c.open_params = {
            OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TLS1_SET_IV_INV, c.explicit_iv.data(),
                                              c.explicit_iv.size()),
            OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, c.tag.data(), t.icv_size_),
            OSSL_PARAM_construct_end()};
        if (t.icv_size_ > c.tag.size() || EVP_CIPHER_CTX_set_params(c.decrypt.get(), fixed.data()) != 1) {
            return Error("setting the AES-GCM salt failed: " + ike::ossl::errors());
        }
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
    HNBSEC_CHECK(t.ctx_->key_hmac(digest, integrity_key));
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
        // OpenSSL takes the nonce's invocation field from outside only when decrypting (it
        // would generate its own), so sealing sets the whole nonce per packet.
        std::array<std::uint8_t, 12> nonce{};
        std::copy(ctx_->salt.begin(), ctx_->salt.end(), nonce.begin());
        std::copy(iv, iv + 8, nonce.begin() + kSaltSize);
        std::array<std::uint8_t, 12> aad{};
        const std::size_t aad_size = gcm_aad(packet.data(), seq, esn, aad);
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
    rechain(text, iv, ctx_->encrypt_chain);
    if (EVP_EncryptUpdate(c, text, &written, text, static_cast<int>(text_size)) != 1) {
        // The chain is unknown now: start the next packet from a fresh zero block.
        ctx_->encrypt_chain.fill(0);
        static_cast<void>(EVP_EncryptInit_ex2(c, nullptr, nullptr, ctx_->encrypt_chain.data(), nullptr));
        return Error("AES-CBC encryption failed: " + ike::ossl::errors());
    }
    std::copy(icv - kCbcChain, icv, ctx_->encrypt_chain.begin());
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    if (!ctx_->icv(packet.first(static_cast<std::size_t>(icv - packet.data())), seq, esn, icv_size_, mac)) {
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
        std::array<std::uint8_t, 12> aad{};
        const std::size_t aad_size = gcm_aad(packet.data(), seq, esn, aad);
        std::copy(iv, iv + ctx_->explicit_iv.size(), ctx_->explicit_iv.begin());
        std::copy(icv, icv + icv_size_, ctx_->tag.begin());
        EVP_CIPHER_CTX* c = ctx_->decrypt.get();
        return EVP_CIPHER_CTX_set_params(c, ctx_->open_params.data()) == 1 &&
               EVP_DecryptUpdate(c, nullptr, &written, aad.data(), static_cast<int>(aad_size)) == 1 &&
               EVP_DecryptUpdate(c, plaintext.data(), &written, text, static_cast<int>(text_size)) == 1 &&
               EVP_DecryptFinal_ex(c, plaintext.data() + written, &written) == 1;
    }
    // Integrity first (RFC 4303 §3.4.4.1): nothing is decrypted for a forged packet.
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac{};
    if (!ctx_->icv(packet.first(static_cast<std::size_t>(icv - packet.data())), seq, esn, icv_size_, mac)) {
        ike::ossl::clear_errors();
        return false;
    }
    if (CRYPTO_memcmp(mac.data(), icv, icv_size_) != 0) return false;
    EVP_CIPHER_CTX* c = ctx_->decrypt.get();
    if (EVP_DecryptUpdate(c, plaintext.data(), &written, text, static_cast<int>(text_size)) != 1) {
        ctx_->decrypt_chain.fill(0);  // as in seal(): the next packet starts from a zero block
        static_cast<void>(EVP_DecryptInit_ex2(c, nullptr, nullptr, ctx_->decrypt_chain.data(), nullptr));
        return false;
    }
    rechain(plaintext.data(), iv, ctx_->decrypt_chain);
    std::copy(icv - kCbcChain, icv, ctx_->decrypt_chain.begin());
    return true;
}

}  // namespace hnbsec::esp
