#include "proto/ike/crypto/signature_algorithm.h"

#include <array>
#include <memory>

#include <openssl/asn1.h>
#include <openssl/obj_mac.h>
#include <openssl/objects.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::ike {
namespace {

// ---- DER building (short definite lengths suffice: every object here is < 128 octets) ----

Octets der(std::uint8_t tag, OctetSpan content) {
    Octets out{tag, static_cast<std::uint8_t>(content.size())};
    out.insert(out.end(), content.begin(), content.end());
    return out;
}

// Object identifier contents, X.690 encoded.
constexpr std::array<std::uint8_t, 9> kSha256WithRsaOid = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                           0x0d, 0x01, 0x01, 0x0b};
constexpr std::array<std::uint8_t, 9> kSha384WithRsaOid = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                           0x0d, 0x01, 0x01, 0x0c};
constexpr std::array<std::uint8_t, 9> kSha512WithRsaOid = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                           0x0d, 0x01, 0x01, 0x0d};
constexpr std::array<std::uint8_t, 9> kSha1WithRsaOid = {0x2a, 0x86, 0x48, 0x86, 0xf7,
                                                         0x0d, 0x01, 0x01, 0x05};
constexpr std::array<std::uint8_t, 9> kRsassaPssOid = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a};
constexpr std::array<std::uint8_t, 9> kMgf1Oid = {0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08};
constexpr std::array<std::uint8_t, 5> kSha1Oid = {0x2b, 0x0e, 0x03, 0x02, 0x1a};
constexpr std::array<std::uint8_t, 9> kSha256Oid = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01};
constexpr std::array<std::uint8_t, 9> kSha384Oid = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02};
constexpr std::array<std::uint8_t, 9> kSha512Oid = {0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03};
constexpr std::array<std::uint8_t, 7> kEcdsaSha1Oid = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01};
constexpr std::array<std::uint8_t, 8> kEcdsaSha256Oid = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02};
constexpr std::array<std::uint8_t, 8> kEcdsaSha384Oid = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03};
constexpr std::array<std::uint8_t, 8> kEcdsaSha512Oid = {0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04};
constexpr std::array<std::uint8_t, 3> kEd25519Oid = {0x2b, 0x65, 0x70};
constexpr std::array<std::uint8_t, 2> kNull = {0x05, 0x00};

Octets algorithm_id(OctetSpan oid, OctetSpan parameters) {
    return der(0x30, concat({der(0x06, oid), parameters}));
}

OctetSpan hash_oid(SignatureHash hash) {
    switch (hash) {
        case SignatureHash::kSha1:
            return kSha1Oid;
        case SignatureHash::kSha256:
            return kSha256Oid;
        case SignatureHash::kSha384:
            return kSha384Oid;
        case SignatureHash::kSha512:
            return kSha512Oid;
        case SignatureHash::kNone:
            break;
    }
    return {};
}

const char* hash_label(SignatureHash hash) {
    switch (hash) {
        case SignatureHash::kSha1:
            return "SHA-1";
        case SignatureHash::kSha256:
            return "SHA-256";
        case SignatureHash::kSha384:
            return "SHA-384";
        case SignatureHash::kSha512:
            return "SHA-512";
        case SignatureHash::kNone:
            break;
    }
    return "none";
}

// ---- parsing with OpenSSL's ASN.1 decoder ----------------------------------------------

using AlgorPtr = std::unique_ptr<X509_ALGOR, ossl::Deleter<X509_ALGOR, X509_ALGOR_free>>;
using PssParamsPtr = std::unique_ptr<RSA_PSS_PARAMS, ossl::Deleter<RSA_PSS_PARAMS, RSA_PSS_PARAMS_free>>;

std::string hex_of(OctetSpan octets) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : octets) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

Result<SignatureHash> hash_from_nid(int nid, const std::string& where) {
    switch (nid) {
        case NID_sha1:
            return SignatureHash::kSha1;
        case NID_sha256:
            return SignatureHash::kSha256;
        case NID_sha384:
            return SignatureHash::kSha384;
        case NID_sha512:
            return SignatureHash::kSha512;
        default:
            return Error(where + ": unsupported hash " +
                         (nid == NID_undef ? "(unknown OID)" : OBJ_nid2sn(nid)));
    }
}

int parameter_type(const X509_ALGOR* alg) {
    int type = V_ASN1_UNDEF;
    X509_ALGOR_get0(nullptr, &type, nullptr, alg);
    return type;
}

// RFC 4055 §2.1, §5: hash and PKCS#1 v1.5 parameters are NULL, absent must be accepted too.
bool absent_or_null(const X509_ALGOR* alg) {
    const int type = parameter_type(alg);
    return type == V_ASN1_UNDEF || type == V_ASN1_NULL;
}

// RFC 5758 §3.2 (ECDSA), RFC 8410 §3 (Ed25519): parameters MUST be absent.
bool absent(const X509_ALGOR* alg) {
    return parameter_type(alg) == V_ASN1_UNDEF;
}

Result<SignatureHash> hash_of(const X509_ALGOR* alg, const std::string& where) {
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, alg);
    if (!absent_or_null(alg))
        return Error(where + ": hash AlgorithmIdentifier has parameters other than NULL");
    return hash_from_nid(OBJ_obj2nid(obj), where);
}

Result<SignatureAlgorithm> parse_pss(const X509_ALGOR* alg) {
    int type = V_ASN1_UNDEF;
    const void* value = nullptr;
    X509_ALGOR_get0(nullptr, &type, &value, alg);
    if (type != V_ASN1_SEQUENCE)
        return Error(
            "RSASSA-PSS AlgorithmIdentifier without RSASSA-PSS-params (RFC 7427 §A.4.1 is not allowed)");
    const auto* seq = static_cast<const ASN1_STRING*>(value);
    const unsigned char* p = ASN1_STRING_get0_data(seq);
    PssParamsPtr params(d2i_RSA_PSS_PARAMS(nullptr, &p, ASN1_STRING_length(seq)));
    if (!params) return Error("RSASSA-PSS-params do not decode: " + ossl::errors());

    SignatureAlgorithm out{SignatureScheme::kRsaPss, SignatureHash::kSha1, 20};  // RFC 4055 §3.1 defaults
    if (params->hashAlgorithm != nullptr) {
        HNBSEC_TRY(out.hash, hash_of(params->hashAlgorithm, "RSASSA-PSS hashAlgorithm"));
    }
    SignatureHash mgf_hash = SignatureHash::kSha1;
    if (params->maskGenAlgorithm != nullptr) {
        const ASN1_OBJECT* mgf = nullptr;
        int mgf_type = V_ASN1_UNDEF;
        const void* mgf_value = nullptr;
        X509_ALGOR_get0(&mgf, &mgf_type, &mgf_value, params->maskGenAlgorithm);
        if (OBJ_obj2nid(mgf) != NID_mgf1) return Error("RSASSA-PSS maskGenAlgorithm is not MGF1");
        if (mgf_type != V_ASN1_SEQUENCE) return Error("RSASSA-PSS MGF1 without its hash AlgorithmIdentifier");
        const auto* mgf_seq = static_cast<const ASN1_STRING*>(mgf_value);
        const unsigned char* q = ASN1_STRING_get0_data(mgf_seq);
        AlgorPtr mgf_hash_alg(d2i_X509_ALGOR(nullptr, &q, ASN1_STRING_length(mgf_seq)));
        if (!mgf_hash_alg) return Error("RSASSA-PSS MGF1 hash does not decode: " + ossl::errors());
        HNBSEC_TRY(mgf_hash, hash_of(mgf_hash_alg.get(), "RSASSA-PSS MGF1"));
    }
    if (mgf_hash != out.hash)
        return Error(std::string("RSASSA-PSS with hash ") + hash_label(out.hash) + " but MGF1 with " +
                     hash_label(mgf_hash) + " is not supported");
    if (params->saltLength != nullptr) {
        long salt = ASN1_INTEGER_get(params->saltLength);
        if (salt < 0 || salt > 1024)
            return Error("RSASSA-PSS saltLength " + std::to_string(salt) + " is out of range");
        out.pss_salt_length = static_cast<std::size_t>(salt);
    }
    if (params->trailerField != nullptr && ASN1_INTEGER_get(params->trailerField) != 1)
        return Error("RSASSA-PSS trailerField must be 1 (RFC 4055 §3.1)");
    return out;
}

}  // namespace

const char* openssl_digest_name(SignatureHash hash) {
    switch (hash) {
        case SignatureHash::kSha1:
            return "SHA1";
        case SignatureHash::kSha256:
            return "SHA2-256";
        case SignatureHash::kSha384:
            return "SHA2-384";
        case SignatureHash::kSha512:
            return "SHA2-512";
        case SignatureHash::kNone:
            break;
    }
    return nullptr;
}

std::string to_string(const SignatureAlgorithm& a) {
    const std::string bits = a.hash == SignatureHash::kSha1     ? "1"
                             : a.hash == SignatureHash::kSha256 ? "256"
                             : a.hash == SignatureHash::kSha384 ? "384"
                             : a.hash == SignatureHash::kSha512 ? "512"
                                                                : "?";
    switch (a.scheme) {
        case SignatureScheme::kRsaPkcs1v15:
            return "sha" + bits + "WithRSAEncryption";
        case SignatureScheme::kRsaPss:
            return std::string("RSASSA-PSS(") + hash_label(a.hash) + ", MGF1, salt " +
                   std::to_string(a.pss_salt_length) + ")";
        case SignatureScheme::kEcdsa:
            return bits == "1" ? "ecdsa-with-SHA1" : "ecdsa-with-SHA" + bits;
        case SignatureScheme::kEd25519:
            return "Ed25519";
    }
    return "unknown signature algorithm";
}

Result<Octets> algorithm_identifier(const SignatureAlgorithm& a) {
    auto unsupported = [&] { return Error("no AlgorithmIdentifier for " + to_string(a)); };
    switch (a.scheme) {
        case SignatureScheme::kRsaPkcs1v15:  // RFC 7427 A.1: parameters NULL
            switch (a.hash) {
                case SignatureHash::kSha1:
                    return algorithm_id(kSha1WithRsaOid, kNull);
                case SignatureHash::kSha256:
                    return algorithm_id(kSha256WithRsaOid, kNull);
                case SignatureHash::kSha384:
                    return algorithm_id(kSha384WithRsaOid, kNull);
                case SignatureHash::kSha512:
                    return algorithm_id(kSha512WithRsaOid, kNull);
                case SignatureHash::kNone:
                    return unsupported();
            }
            return unsupported();
        case SignatureScheme::kRsaPss: {  // RFC 7427 A.4.3, RFC 4055 §3.1
            if (a.hash == SignatureHash::kNone || a.pss_salt_length > 127) return unsupported();
            const Octets hash = algorithm_id(hash_oid(a.hash), kNull);
            const Octets salt = der(0x02, Octets{static_cast<std::uint8_t>(a.pss_salt_length)});
            const Octets params = der(
                0x30, concat({der(0xa0, hash), der(0xa1, algorithm_id(kMgf1Oid, hash)), der(0xa2, salt)}));
            return algorithm_id(kRsassaPssOid, params);
        }
        case SignatureScheme::kEcdsa:  // RFC 7427 A.3: no parameters
            switch (a.hash) {
                case SignatureHash::kSha1:
                    return algorithm_id(kEcdsaSha1Oid, {});
                case SignatureHash::kSha256:
                    return algorithm_id(kEcdsaSha256Oid, {});
                case SignatureHash::kSha384:
                    return algorithm_id(kEcdsaSha384Oid, {});
                case SignatureHash::kSha512:
                    return algorithm_id(kEcdsaSha512Oid, {});
                case SignatureHash::kNone:
                    return unsupported();
            }
            return unsupported();
        case SignatureScheme::kEd25519:  // RFC 8420 §2, RFC 8410 §3
            return algorithm_id(kEd25519Oid, {});
    }
    return unsupported();
}

Result<SignatureAlgorithm> parse_algorithm_identifier(OctetSpan der_octets) {
    const std::string where = "AlgorithmIdentifier " + hex_of(der_octets);
    const unsigned char* p = der_octets.data();
    AlgorPtr alg(d2i_X509_ALGOR(nullptr, &p, static_cast<long>(der_octets.size())));
    if (!alg) {
        ossl::clear_errors();
        return Error(where + " is not DER");
    }
    if (p != der_octets.data() + der_octets.size()) return Error(where + " has trailing octets");
    const ASN1_OBJECT* obj = nullptr;
    X509_ALGOR_get0(&obj, nullptr, nullptr, alg.get());
    const int nid = OBJ_obj2nid(obj);
    auto pkcs1 = [&](SignatureHash hash) -> Result<SignatureAlgorithm> {
        if (!absent_or_null(alg.get())) return Error(where + ": PKCS#1 v1.5 parameters must be NULL");
        return SignatureAlgorithm{SignatureScheme::kRsaPkcs1v15, hash, 0};
    };
    auto ecdsa = [&](SignatureHash hash) -> Result<SignatureAlgorithm> {
        if (!absent(alg.get())) return Error(where + ": ECDSA parameters must be absent (RFC 5758 §3.2)");
        return SignatureAlgorithm{SignatureScheme::kEcdsa, hash, 0};
    };
    switch (nid) {
        case NID_sha1WithRSAEncryption:
            return pkcs1(SignatureHash::kSha1);
        case NID_sha256WithRSAEncryption:
            return pkcs1(SignatureHash::kSha256);
        case NID_sha384WithRSAEncryption:
            return pkcs1(SignatureHash::kSha384);
        case NID_sha512WithRSAEncryption:
            return pkcs1(SignatureHash::kSha512);
        case NID_rsassaPss: {
            auto pss = parse_pss(alg.get());
            if (!pss.ok()) return Error(where + ": " + pss.error().what());
            return pss;
        }
        case NID_ecdsa_with_SHA1:
            return ecdsa(SignatureHash::kSha1);
        case NID_ecdsa_with_SHA256:
            return ecdsa(SignatureHash::kSha256);
        case NID_ecdsa_with_SHA384:
            return ecdsa(SignatureHash::kSha384);
        case NID_ecdsa_with_SHA512:
            return ecdsa(SignatureHash::kSha512);
        case NID_ED25519:
            if (!absent(alg.get())) return Error(where + ": Ed25519 parameters must be absent (RFC 8410 §3)");
            return kEd25519;
        default:
            return Error(where + " names an unsupported signature algorithm (" +
                         (nid == NID_undef ? std::string("unknown OID") : std::string(OBJ_nid2ln(nid))) +
                         ")");
    }
}

Result<Octets> digital_signature_auth_data(const SignatureAlgorithm& algorithm, OctetSpan signature) {
    HNBSEC_TRY(Octets id, algorithm_identifier(algorithm));
    return concat({Octets{static_cast<std::uint8_t>(id.size())}, id, signature});
}

Result<DigitalSignatureAuthData> parse_digital_signature_auth_data(OctetSpan auth_data) {
    if (auth_data.empty()) return Error("Digital Signature AUTH data is empty (RFC 7427 §3)");
    const std::size_t id_len = auth_data[0];
    if (id_len == 0 || auth_data.size() < 1 + id_len)
        return Error("Digital Signature AUTH data: ASN.1 length " + std::to_string(id_len) +
                     " does not fit in " + std::to_string(auth_data.size() - 1) + " octets (RFC 7427 §3)");
    DigitalSignatureAuthData out;
    out.algorithm_identifier.assign(auth_data.begin() + 1,
                                    auth_data.begin() + 1 + static_cast<std::ptrdiff_t>(id_len));
    HNBSEC_TRY(out.algorithm, parse_algorithm_identifier(out.algorithm_identifier));
    out.signature.assign(auth_data.begin() + 1 + static_cast<std::ptrdiff_t>(id_len), auth_data.end());
    if (out.signature.empty()) return Error("Digital Signature AUTH data carries no signature");
    return out;
}

}  // namespace hnbsec::ike
