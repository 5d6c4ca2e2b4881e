#include "proto/ike/sa/credentials.h"

#include <openssl/sha.h>

#include "proto/ike/crypto/signature.h"

namespace hnbsec::ike {

EvpSigner::EvpSigner(EVP_PKEY* key, std::optional<AuthMethod> method) : method_(method) {
    if (key != nullptr && EVP_PKEY_up_ref(key) == 1) key_.reset(key);
}

AuthChoice EvpSigner::choice() const {
    const bool ec = key_ && EVP_PKEY_base_id(key_.get()) == EVP_PKEY_EC;
    if (method_) return AuthChoice{*method_, ec ? kEcdsaSha256 : kSha256WithRsa};
    return AuthChoice{AuthMethod::kDigitalSignature, ec ? kEcdsaSha256 : kSha256WithRsa};
}

Result<Octets> EvpSigner::sign(AuthMethod method, const SignatureAlgorithm& algorithm,
                               OctetSpan signed_octets) {
    if (!key_) return Error("signer has no private key");
    if (method == AuthMethod::kDigitalSignature) {
        return sign_digital_signature_auth_data(key_.get(), algorithm, signed_octets);
    }
    return sign_auth_data(method, key_.get(), signed_octets);
}

Result<std::vector<Bytes>> der_chain(const std::vector<X509*>& chain) {
    std::vector<Bytes> out;
    for (X509* cert : chain) {
        unsigned char* der = nullptr;
        int n = i2d_X509(cert, &der);
        if (n <= 0) return Error("cannot DER-encode certificate " + std::to_string(out.size()));
        out.emplace_back(der, der + n);
        OPENSSL_free(der);
    }
    return out;
}

Result<Bytes> spki_sha1(OctetSpan spki_der) {
    Bytes out(SHA_DIGEST_LENGTH);
    unsigned int len = 0;
    if (EVP_Digest(spki_der.data(), spki_der.size(), out.data(), &len, EVP_sha1(), nullptr) != 1) {
        return Error("SHA-1 of SubjectPublicKeyInfo failed");
    }
    return out;
}

}  // namespace hnbsec::ike
