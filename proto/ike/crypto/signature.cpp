#include "proto/ike/crypto/signature.h"

#include <openssl/ecdsa.h>
#include <openssl/rsa.h>

#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::ike {
namespace {

using EcdsaSigPtr = std::unique_ptr<ECDSA_SIG, ossl::Deleter<ECDSA_SIG, ECDSA_SIG_free>>;

const char* key_kind(EVP_PKEY* key) {
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) return "RSA";
    if (EVP_PKEY_is_a(key, "EC")) return "EC";
    if (EVP_PKEY_is_a(key, "ED25519")) return "Ed25519";
    return "unsupported";
}

Status check_key(EVP_PKEY* key, const SignatureAlgorithm& a) {
    if (key == nullptr) return Error("no key given for " + to_string(a));
    const std::string kind = key_kind(key);
    const char* want = a.scheme == SignatureScheme::kEcdsa     ? "EC"
                       : a.scheme == SignatureScheme::kEd25519 ? "Ed25519"
                                                               : "RSA";
    if (kind != want) return Error(to_string(a) + " needs an " + want + " key, got " + kind);
    return Ok{};
}

// Sets up a DigestSign/DigestVerify context for the algorithm.
Result<ossl::MdCtxPtr> digest_ctx(EVP_PKEY* key, const SignatureAlgorithm& a, bool signing) {
    HNBSEC_CHECK(check_key(key, a));
    ossl::MdCtxPtr md(EVP_MD_CTX_new());
    if (!md) return Error("EVP_MD_CTX_new failed");
    EVP_PKEY_CTX* pctx = nullptr;
    const char* digest = openssl_digest_name(a.hash);
    const int ok = signing ? EVP_DigestSignInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key, nullptr)
                           : EVP_DigestVerifyInit_ex(md.get(), &pctx, digest, nullptr, nullptr, key, nullptr);
    if (ok != 1)
        return Error(to_string(a) + (signing ? " signing" : " verification") +
                     " setup failed: " + ossl::errors());
    if (a.scheme == SignatureScheme::kRsaPss) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
            EVP_PKEY_CTX_set_rsa_mgf1_md_name(pctx, digest, nullptr) != 1 ||
            EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, static_cast<int>(a.pss_salt_length)) != 1)
            return Error(to_string(a) + " parameters rejected: " + ossl::errors());
    } else if (a.scheme == SignatureScheme::kRsaPkcs1v15) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) != 1)
            return Error(to_string(a) + " padding rejected: " + ossl::errors());
    }
    return md;
}

// Octets of one ECDSA half (r or s) for the key's curve: 32, 48 or 66.
std::size_t ecdsa_half(EVP_PKEY* key) {
    return (static_cast<std::size_t>(EVP_PKEY_get_bits(key)) + 7) / 8;
}

struct MethodFacts {
    SignatureAlgorithm algorithm;
    int ec_bits;  // ECDSA methods: the curve the method fixes
};

Result<MethodFacts> method_facts(AuthMethod method) {
    switch (method) {
        case AuthMethod::kRsaSignature:
            return MethodFacts{{SignatureScheme::kRsaPkcs1v15, SignatureHash::kSha1, 0}, 0};
        case AuthMethod::kEcdsaSha256P256:
            return MethodFacts{kEcdsaSha256, 256};
        case AuthMethod::kEcdsaSha384P384:
            return MethodFacts{kEcdsaSha384, 384};
        case AuthMethod::kEcdsaSha512P521:
            return MethodFacts{kEcdsaSha512, 521};
        default:
            return Error("AUTH method " + std::to_string(static_cast<int>(method)) + " (" +
                         to_string(method) + ") is not a fixed-algorithm signature method");
    }
}

Status check_curve(EVP_PKEY* key, AuthMethod method, int bits) {
    if (EVP_PKEY_get_bits(key) != bits)
        return Error(to_string(method) + " needs a " + std::to_string(bits) + "-bit curve key, got " +
                     std::to_string(EVP_PKEY_get_bits(key)) + " bits (RFC 4754 §4)");
    return Ok{};
}

}  // namespace

Result<Octets> sign(EVP_PKEY* key, const SignatureAlgorithm& algorithm, OctetSpan data) {
    HNBSEC_TRY(ossl::MdCtxPtr md, digest_ctx(key, algorithm, true));
    std::size_t len = 0;
    if (EVP_DigestSign(md.get(), nullptr, &len, data.data(), data.size()) != 1)
        return Error(to_string(algorithm) + " signing failed: " + ossl::errors());
    Octets out(len);
    if (EVP_DigestSign(md.get(), out.data(), &len, data.data(), data.size()) != 1)
        return Error(to_string(algorithm) + " signing failed: " + ossl::errors());
    out.resize(len);
    return out;
}

Status verify(EVP_PKEY* key, const SignatureAlgorithm& algorithm, OctetSpan data, OctetSpan signature) {
    HNBSEC_TRY(ossl::MdCtxPtr md, digest_ctx(key, algorithm, false));
    if (EVP_DigestVerify(md.get(), signature.data(), signature.size(), data.data(), data.size()) == 1)
        return Ok{};
    ossl::clear_errors();
    std::string hint;
    if (algorithm.scheme == SignatureScheme::kEcdsa && signature.size() == 2 * ecdsa_half(key) &&
        (signature.empty() || signature[0] != 0x30))
        hint = " (it has the size of a raw r | s; RFC 7427 §3 wants DER)";
    return Error(to_string(algorithm) + " signature does not verify" + hint);
}

Result<Octets> ecdsa_der_to_raw(OctetSpan der, std::size_t half) {
    const unsigned char* p = der.data();
    EcdsaSigPtr sig(d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())));
    if (!sig || p != der.data() + der.size()) {
        ossl::clear_errors();
        return Error("ECDSA signature is not a DER Ecdsa-Sig-Value");
    }
    const BIGNUM* r = nullptr;
    const BIGNUM* s = nullptr;
    ECDSA_SIG_get0(sig.get(), &r, &s);
    if (static_cast<std::size_t>(BN_num_bytes(r)) > half || static_cast<std::size_t>(BN_num_bytes(s)) > half)
        return Error("ECDSA r or s is longer than " + std::to_string(half) + " octets");
    Octets out(2 * half);
    BN_bn2binpad(r, out.data(), static_cast<int>(half));
    BN_bn2binpad(s, out.data() + half, static_cast<int>(half));
    return out;
}

Result<Octets> ecdsa_raw_to_der(OctetSpan raw) {
    if (raw.empty() || raw.size() % 2 != 0)
        return Error("raw ECDSA signature of " + std::to_string(raw.size()) +
                     " octets is not two equal halves");
    const std::size_t half = raw.size() / 2;
    EcdsaSigPtr sig(ECDSA_SIG_new());
    ossl::BnPtr r(BN_bin2bn(raw.data(), static_cast<int>(half), nullptr));
    ossl::BnPtr s(BN_bin2bn(raw.data() + half, static_cast<int>(half), nullptr));
    if (!sig || !r || !s || ECDSA_SIG_set0(sig.get(), r.get(), s.get()) != 1)
        return Error("ECDSA_SIG allocation failed");
    static_cast<void>(r.release());  // owned by sig now
    static_cast<void>(s.release());
    const int len = i2d_ECDSA_SIG(sig.get(), nullptr);
    if (len <= 0) return Error("ECDSA signature DER encoding failed: " + ossl::errors());
    Octets out(static_cast<std::size_t>(len));
    unsigned char* q = out.data();
    i2d_ECDSA_SIG(sig.get(), &q);
    return out;
}

Result<Octets> sign_auth_data(AuthMethod method, EVP_PKEY* key, OctetSpan signed_octets) {
    HNBSEC_TRY(MethodFacts facts, method_facts(method));
    HNBSEC_CHECK(check_key(key, facts.algorithm));
    if (facts.ec_bits != 0) HNBSEC_CHECK(check_curve(key, method, facts.ec_bits));
    HNBSEC_TRY(Octets signature, sign(key, facts.algorithm, signed_octets));
    if (facts.algorithm.scheme == SignatureScheme::kEcdsa)
        return ecdsa_der_to_raw(signature, ecdsa_half(key));
    return signature;
}

Result<Octets> sign_digital_signature_auth_data(EVP_PKEY* key, const SignatureAlgorithm& algorithm,
                                                OctetSpan signed_octets) {
    HNBSEC_TRY(Octets signature, sign(key, algorithm, signed_octets));
    return digital_signature_auth_data(algorithm, signature);
}

Result<SignatureAlgorithm> verify_auth_data(AuthMethod method, EVP_PKEY* key, OctetSpan signed_octets,
                                            OctetSpan auth_data) {
    if (method == AuthMethod::kDigitalSignature) {
        HNBSEC_TRY(DigitalSignatureAuthData parsed, parse_digital_signature_auth_data(auth_data));
        HNBSEC_CHECK(verify(key, parsed.algorithm, signed_octets, parsed.signature));
        return parsed.algorithm;
    }
    HNBSEC_TRY(MethodFacts facts, method_facts(method));
    HNBSEC_CHECK(check_key(key, facts.algorithm));
    if (facts.algorithm.scheme == SignatureScheme::kEcdsa) {
        HNBSEC_CHECK(check_curve(key, method, facts.ec_bits));
        const std::size_t half = ecdsa_half(key);
        if (auth_data.size() != 2 * half)
            return Error(to_string(method) + " signature is " + std::to_string(auth_data.size()) +
                         " octets, expected r | s of " + std::to_string(2 * half) + " (RFC 4754 §7)");
        HNBSEC_TRY(Octets der, ecdsa_raw_to_der(auth_data));
        HNBSEC_CHECK(verify(key, facts.algorithm, signed_octets, der));
        return facts.algorithm;
    }
    HNBSEC_CHECK(verify(key, facts.algorithm, signed_octets, auth_data));
    return facts.algorithm;
}

}  // namespace hnbsec::ike
