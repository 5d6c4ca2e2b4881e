#include "proto/ike/crypto/cipher.h"

#include <openssl/core_names.h>
#include <openssl/rand.h>

#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::ike {
namespace {

struct CipherFree {
    void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
};
using CipherPtr = std::unique_ptr<EVP_CIPHER, CipherFree>;

std::string describe(EncrId id, std::size_t key_size) {
    if (id == EncrId::kAesCbc || id == EncrId::kAesGcm8 || id == EncrId::kAesGcm12 || id == EncrId::kAesGcm16)
        return to_string(id) + "-" + std::to_string(key_size * 8);
    return to_string(id);
}

// OpenSSL's name for the cipher that implements id with a key_size-octet key.
const char* openssl_cipher_name(EncrId id, std::size_t key_size) {
    switch (id) {
        case EncrId::kAesCbc:
            return key_size == 16 ? "AES-128-CBC" : key_size == 24 ? "AES-192-CBC" : "AES-256-CBC";
        case EncrId::k3Des:
            return "DES-EDE3-CBC";
        case EncrId::kAesGcm8:
        case EncrId::kAesGcm12:
        case EncrId::kAesGcm16:
            return key_size == 16 ? "AES-128-GCM" : key_size == 24 ? "AES-192-GCM" : "AES-256-GCM";
        case EncrId::kChacha20Poly1305:
            return "ChaCha20-Poly1305";
        default:
            return nullptr;
    }
}

Result<CipherPtr> fetch(EncrId id, std::size_t key_size) {
    const char* name = openssl_cipher_name(id, key_size);
    if (name == nullptr) return Error(to_string(id) + " is not supported");
    CipherPtr cipher(EVP_CIPHER_fetch(nullptr, name, nullptr));
    if (!cipher) return Error(std::string("OpenSSL has no ") + name + ": " + ossl::errors());
    return cipher;
}

Result<Octets> cbc_crypt(EncrId id, OctetSpan key, OctetSpan iv, OctetSpan in, bool encrypt) {
    if (id != EncrId::kAesCbc && id != EncrId::k3Des) return Error(to_string(id) + " is not a CBC cipher");
    HNBSEC_TRY(EncrFacts facts,
               encr_facts(id, id == EncrId::kAesCbc ? static_cast<std::uint16_t>(key.size() * 8) : 0));
    const std::string what = describe(id, key.size());
    if (key.size() != facts.key_size)
        return Error(what + " needs a " + std::to_string(facts.key_size) + "-octet key, got " +
                     std::to_string(key.size()));
    if (iv.size() != facts.iv_size)
        return Error(what + " needs a " + std::to_string(facts.iv_size) + "-octet IV, got " +
                     std::to_string(iv.size()));
    if (in.size() % facts.block_size != 0)
        return Error(std::string(encrypt ? "plaintext" : "ciphertext") + " of " + std::to_string(in.size()) +
                     " octets is not a multiple of the " + what + " block size " +
                     std::to_string(facts.block_size));
    HNBSEC_TRY(CipherPtr cipher, fetch(id, key.size()));
    ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    if (!ctx ||
        EVP_CipherInit_ex2(ctx.get(), cipher.get(), key.data(), iv.data(), encrypt ? 1 : 0, nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx.get(), 0) != 1)
        return Error(what + " initialisation failed: " + ossl::errors());
    Octets out(in.size() + facts.block_size);
    int len = 0;
    int total = 0;
    if (!in.empty() &&
        EVP_CipherUpdate(ctx.get(), out.data(), &len, in.data(), static_cast<int>(in.size())) != 1)
        return Error(what + (encrypt ? " encryption" : " decryption") + " failed: " + ossl::errors());
    total = len;
    if (EVP_CipherFinal_ex(ctx.get(), out.data() + total, &len) != 1)
        return Error(what + (encrypt ? " encryption" : " decryption") + " failed: " + ossl::errors());
    out.resize(static_cast<std::size_t>(total) + static_cast<std::size_t>(len));
    return out;
}

struct AeadSetup {
    CipherPtr cipher;
    ossl::CipherCtxPtr ctx;
    EncrFacts facts;
    std::string what;
};

// Checks lengths and initialises the context with key and nonce = salt | iv.
Result<AeadSetup> aead_setup(EncrId id, OctetSpan keymat, OctetSpan iv, bool encrypt) {
    if (id != EncrId::kAesGcm8 && id != EncrId::kAesGcm12 && id != EncrId::kAesGcm16 &&
        id != EncrId::kChacha20Poly1305)
        return Error(to_string(id) + " is not an AEAD cipher");
    const std::size_t salt = 4;
    if (keymat.size() <= salt)
        return Error(to_string(id) + " keying material of " + std::to_string(keymat.size()) +
                     " octets is too short");
    const std::size_t key_size = keymat.size() - salt;
    HNBSEC_TRY(
        EncrFacts facts,
        encr_facts(id, id == EncrId::kChacha20Poly1305 ? 0 : static_cast<std::uint16_t>(key_size * 8)));
    std::string what = describe(id, key_size);
    if (keymat.size() != facts.keymat_size())
        return Error(what + " needs " + std::to_string(facts.keymat_size()) +
                     " octets of keying material (key | salt), got " + std::to_string(keymat.size()));
    if (iv.size() != facts.iv_size)
        return Error(what + " needs an " + std::to_string(facts.iv_size) + "-octet IV, got " +
                     std::to_string(iv.size()));
    HNBSEC_TRY(CipherPtr cipher, fetch(id, key_size));
    ossl::CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
    Octets nonce = concat({keymat.subspan(key_size), iv});
    std::size_t nonce_len = nonce.size();
    OSSL_PARAM params[] = {
        OSSL_PARAM_construct_size_t(OSSL_CIPHER_PARAM_AEAD_IVLEN, &nonce_len),
        OSSL_PARAM_construct_end(),
    };
    if (!ctx || EVP_CipherInit_ex2(ctx.get(), cipher.get(), nullptr, nullptr, encrypt ? 1 : 0, params) != 1 ||
        EVP_CipherInit_ex2(ctx.get(), nullptr, keymat.data(), nonce.data(), encrypt ? 1 : 0, nullptr) != 1)
        return Error(what + " initialisation failed: " + ossl::errors());
    return AeadSetup{std::move(cipher), std::move(ctx), facts, std::move(what)};
}

Status feed_aad(AeadSetup& s, OctetSpan aad) {
    int len = 0;
    if (!aad.empty() &&
        EVP_CipherUpdate(s.ctx.get(), nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1)
        return Error(s.what + " AAD processing failed: " + ossl::errors());
    return Ok{};
}

}  // namespace

Result<EncrFacts> encr_facts(EncrId id, std::uint16_t key_bits) {
    const bool aes_bits = key_bits == 128 || key_bits == 192 || key_bits == 256;
    auto bad_bits = [&] {
        return Error(to_string(id) + " with a key length of " + std::to_string(key_bits) +
                     " bits is not supported (128, 192 or 256)");
    };
    switch (id) {
        case EncrId::kNull:  // RFC 2410: no key, no IV (ESP only; IKE refuses it)
            if (key_bits != 0) return bad_bits();
            return EncrFacts{0, 0, 0, 1, 0, false};
        case EncrId::kAesCbc:  // RFC 3602 §2.1, §5
            if (!aes_bits) return bad_bits();
            return EncrFacts{key_bits / 8u, 0, 16, 16, 0, false};
        case EncrId::k3Des:  // RFC 2451
            if (key_bits != 0 && key_bits != 192) return bad_bits();
            return EncrFacts{24, 0, 8, 8, 0, false};
        case EncrId::kAesGcm8:  // RFC 4106 §8.1, RFC 5282 §7.1: 4-octet salt
        case EncrId::kAesGcm12:
        case EncrId::kAesGcm16: {
            if (!aes_bits) return bad_bits();
            const std::size_t icv = id == EncrId::kAesGcm8 ? 8 : id == EncrId::kAesGcm12 ? 12 : 16;
            return EncrFacts{key_bits / 8u, 4, 8, 1, icv, true};
        }
        case EncrId::kChacha20Poly1305:  // RFC 7634 §2: 256-bit key, no Key Length attribute
            if (key_bits != 0 && key_bits != 256)
                return Error("ENCR_CHACHA20_POLY1305 takes no Key Length attribute (RFC 7634 §2), got " +
                             std::to_string(key_bits));
            return EncrFacts{32, 4, 8, 1, 16, true};
        default:
            return Error(to_string(id) + " is not supported");
    }
}

Result<Octets> cbc_encrypt(EncrId id, OctetSpan key, OctetSpan iv, OctetSpan plaintext) {
    return cbc_crypt(id, key, iv, plaintext, true);
}

Result<Octets> cbc_decrypt(EncrId id, OctetSpan key, OctetSpan iv, OctetSpan ciphertext) {
    return cbc_crypt(id, key, iv, ciphertext, false);
}

Result<Octets> aead_encrypt(EncrId id, OctetSpan keymat, OctetSpan iv, OctetSpan aad, OctetSpan plaintext) {
    HNBSEC_TRY(AeadSetup s, aead_setup(id, keymat, iv, true));
    HNBSEC_CHECK(feed_aad(s, aad));
    Octets out(plaintext.size() + s.facts.icv_size);
    int len = 0;
    if (!plaintext.empty() && EVP_CipherUpdate(s.ctx.get(), out.data(), &len, plaintext.data(),
                                               static_cast<int>(plaintext.size())) != 1)
        return Error(s.what + " encryption failed: " + ossl::errors());
    int tail = 0;
    if (EVP_CipherFinal_ex(s.ctx.get(), out.data() + len, &tail) != 1)
        return Error(s.what + " encryption failed: " + ossl::errors());
    OSSL_PARAM get_tag[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, out.data() + plaintext.size(),
                                          s.facts.icv_size),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CIPHER_CTX_get_params(s.ctx.get(), get_tag) != 1)
        return Error(s.what + " ICV retrieval failed: " + ossl::errors());
    return out;
}

Result<Octets> aead_decrypt(EncrId id, OctetSpan keymat, OctetSpan iv, OctetSpan aad,
                            OctetSpan ciphertext_and_icv) {
    HNBSEC_TRY(AeadSetup s, aead_setup(id, keymat, iv, false));
    const std::size_t icv = s.facts.icv_size;
    if (ciphertext_and_icv.size() < icv)
        return Error(s.what + " input of " + std::to_string(ciphertext_and_icv.size()) +
                     " octets is shorter than its " + std::to_string(icv) + "-octet ICV");
    OctetSpan ciphertext = ciphertext_and_icv.first(ciphertext_and_icv.size() - icv);
    Octets tag(ciphertext_and_icv.end() - static_cast<std::ptrdiff_t>(icv), ciphertext_and_icv.end());
    OSSL_PARAM set_tag[] = {
        OSSL_PARAM_construct_octet_string(OSSL_CIPHER_PARAM_AEAD_TAG, tag.data(), tag.size()),
        OSSL_PARAM_construct_end(),
    };
    if (EVP_CIPHER_CTX_set_params(s.ctx.get(), set_tag) != 1)
        return Error(s.what + " ICV setup failed: " + ossl::errors());
    HNBSEC_CHECK(feed_aad(s, aad));
    Octets out(ciphertext.size() + 16);
    int len = 0;
    if (!ciphertext.empty() && EVP_CipherUpdate(s.ctx.get(), out.data(), &len, ciphertext.data(),
                                                static_cast<int>(ciphertext.size())) != 1)
        return Error(s.what + " decryption failed: " + ossl::errors());
    int tail = 0;
    if (EVP_CipherFinal_ex(s.ctx.get(), out.data() + len, &tail) != 1) {
        ossl::clear_errors();
        return Error("ICV mismatch (" + s.what + ", " + std::to_string(ciphertext.size()) +
                     " octets of ciphertext, " + std::to_string(aad.size()) + " of AAD)");
    }
    out.resize(static_cast<std::size_t>(len) + static_cast<std::size_t>(tail));
    return out;
}

Result<Octets> random_octets(std::size_t n) {
    Octets out(n);
    if (n > 0 && RAND_bytes(out.data(), static_cast<int>(n)) != 1)
        return Error("RAND_bytes failed: " + ossl::errors());
    return out;
}

}  // namespace hnbsec::ike
