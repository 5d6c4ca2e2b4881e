// What a token says about a key: its protection attributes, and its public
// half rebuilt as an OpenSSL EVP_PKEY (provider API, no deprecated RSA_/EC_KEY).
#include <memory>

#include <openssl/asn1.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>

#include "hsm/ec_curves.h"
#include "hsm/token.h"
#include "proto/ossl/errors.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {
namespace {

unsigned significant_bits(const std::vector<std::uint8_t>& big_endian) {
    ossl::BignumPtr n(BN_bin2bn(big_endian.data(), static_cast<int>(big_endian.size()), nullptr));
    return n ? static_cast<unsigned>(BN_num_bits(n.get())) : 0;
}

Result<ossl::EvpPkeyPtr> from_params(const char* key_type, OSSL_PARAM_BLD* bld,
                                     const std::string& key_label) {
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    ossl::EvpPkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, key_type, nullptr));
    EVP_PKEY* key = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
        return Error("OpenSSL rejected the public key of '" + key_label + "': " + ossl::errors());
    }
    return ossl::EvpPkeyPtr(key);
}

// CKA_EC_POINT is a DER OCTET STRING around the uncompressed point (PKCS#11
// v2.40); some modules return the bare point, so accept both.
std::vector<std::uint8_t> unwrap_ec_point(const std::vector<std::uint8_t>& value) {
    const unsigned char* cursor = value.data();
    ossl::Asn1OctetStringPtr wrapped(
        d2i_ASN1_OCTET_STRING(nullptr, &cursor, static_cast<long>(value.size())));
    if (wrapped && cursor == value.data() + value.size()) {
        const unsigned char* data = ASN1_STRING_get0_data(wrapped.get());
        return std::vector<std::uint8_t>(data, data + ASN1_STRING_length(wrapped.get()));
    }
    return value;
}

}  // namespace

Result<KeyAttributes> Token::attributes(const TokenKey& key) const {
    auto& api = module_->api();
    const CK_OBJECT_HANDLE handle = key.private_key;
    KeyAttributes out;
    out.label = key.label;
    out.id = key.id;
    out.type = key.type;
    HNBSEC_TRY(out.token, read_bool_attribute(api, session_, handle, CKA_TOKEN));
    HNBSEC_TRY(out.private_object, read_bool_attribute(api, session_, handle, CKA_PRIVATE));
    HNBSEC_TRY(out.sensitive, read_bool_attribute(api, session_, handle, CKA_SENSITIVE));
    HNBSEC_TRY(out.extractable, read_bool_attribute(api, session_, handle, CKA_EXTRACTABLE));
    HNBSEC_TRY(out.always_sensitive, read_bool_attribute(api, session_, handle, CKA_ALWAYS_SENSITIVE));
    HNBSEC_TRY(out.never_extractable, read_bool_attribute(api, session_, handle, CKA_NEVER_EXTRACTABLE));
    HNBSEC_TRY(out.local, read_bool_attribute(api, session_, handle, CKA_LOCAL));
    HNBSEC_TRY(out.can_sign, read_bool_attribute(api, session_, handle, CKA_SIGN));
    HNBSEC_TRY(out.can_decrypt, read_bool_attribute(api, session_, handle, CKA_DECRYPT));
    if (key.type == KeyType::kRsa) {
        // CKA_MODULUS of an RSA private key is public information.
        HNBSEC_TRY(auto modulus, hsm::read_attribute(api, session_, handle, CKA_MODULUS));
        out.bits = significant_bits(modulus);
    } else {
        HNBSEC_TRY(auto params, hsm::read_attribute(api, session_, handle, CKA_EC_PARAMS));
        HNBSEC_TRY(CurveInfo curve, curve_from_ec_params(params));
        out.curve = curve.nist_name;
        out.bits = curve.bits;
    }
    return out;
}

Result<ossl::EvpPkeyPtr> Token::public_key(const TokenKey& key) const {
    auto& api = module_->api();
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld) return Error("OpenSSL could not allocate a parameter builder: " + ossl::errors());

    if (key.type == KeyType::kRsa) {
        // An RSA private key object carries the modulus and public exponent too.
        const CK_OBJECT_HANDLE source =
            key.public_key != CK_INVALID_HANDLE ? key.public_key : key.private_key;
        HNBSEC_TRY(auto modulus, hsm::read_attribute(api, session_, source, CKA_MODULUS));
        HNBSEC_TRY(auto exponent, hsm::read_attribute(api, session_, source, CKA_PUBLIC_EXPONENT));
        ossl::BignumPtr n(BN_bin2bn(modulus.data(), static_cast<int>(modulus.size()), nullptr));
        ossl::BignumPtr e(BN_bin2bn(exponent.data(), static_cast<int>(exponent.size()), nullptr));
        if (!n || !e || OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_N, n.get()) != 1 ||
            OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_RSA_E, e.get()) != 1) {
            return Error("cannot pass the RSA public key of '" + key.label +
                         "' to OpenSSL: " + ossl::errors());
        }
        return from_params("RSA", bld.get(), key.label);
    }

    if (key.public_key == CK_INVALID_HANDLE) {
        return Error("EC key '" + key.label + "' on token '" + label_ +
                     "' has no public key object with the same CKA_ID, so its public point is unknown");
    }
    HNBSEC_TRY(auto params, hsm::read_attribute(api, session_, key.public_key, CKA_EC_PARAMS));
    HNBSEC_TRY(CurveInfo curve, curve_from_ec_params(params));
    HNBSEC_TRY(auto point_attribute, hsm::read_attribute(api, session_, key.public_key, CKA_EC_POINT));
    std::vector<std::uint8_t> point = unwrap_ec_point(point_attribute);
    if (OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, curve.group_name.c_str(), 0) !=
            1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(), point.size()) !=
            1) {
        return Error("cannot pass the EC public key of '" + key.label + "' to OpenSSL: " + ossl::errors());
    }
    return from_params("EC", bld.get(), key.label);
}

}  // namespace hnbsec::hsm
