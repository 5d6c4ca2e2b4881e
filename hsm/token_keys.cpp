// Key pairs on a token: generating them and finding them again by label, id
// or pkcs11: URI.
#include <algorithm>
#include <array>

#include "hsm/ckr_names.h"
#include "hsm/ec_curves.h"
#include "hsm/token.h"

namespace hnbsec::hsm {
namespace {

Status check_spec(const KeySpec& spec) {
    if (spec.type == KeyType::kRsa) {
        // 1024 is accepted only so the "weak device key" fixture can be made.
        constexpr std::array<unsigned, 4> kAllowed = {1024, 2048, 3072, 4096};
        if (std::find(kAllowed.begin(), kAllowed.end(), spec.rsa_bits) == kAllowed.end()) {
            return Error(
                "RSA keys of " + std::to_string(spec.rsa_bits) +
                " bits are not supported; use 2048, 3072 or 4096 (1024 only for the weak-key fixture)");
        }
    }
    return Ok{};
}

std::string describe(const KeySpec& spec) {
    if (spec.type == KeyType::kRsa) return "RSA-" + std::to_string(spec.rsa_bits);
    return spec.curve == EcCurve::kP256 ? "EC P-256" : "EC P-384";
}

}  // namespace

Result<TokenKey> Token::generate_key(const KeySpec& spec, std::string_view key_label,
                                     std::span<const std::uint8_t> id) {
    HNBSEC_CHECK(check_spec(spec));
    if (key_label.empty()) return Error("a key label must not be empty");
    if (id.empty()) return Error("key '" + std::string(key_label) + "' needs a non-empty CKA_ID");

    // Refuse duplicates: a second "device" key would make every lookup ambiguous.
    HNBSEC_TRY(auto same_label, find(std::move(AttributeTemplate().add_text(CKA_LABEL, key_label))));
    if (!same_label.empty()) {
        return Error("a key labelled '" + std::string(key_label) + "' already exists on token '" + label_ +
                     "'; choose another label or delete the old key");
    }
    HNBSEC_TRY(auto same_id, find(std::move(AttributeTemplate().add_bytes(CKA_ID, id))));
    if (!same_id.empty()) {
        return Error("an object with id " + percent_hex(id) + " already exists on token '" + label_ +
                     "'; choose another id");
    }

    const CK_MECHANISM_TYPE generator =
        spec.type == KeyType::kRsa ? CKM_RSA_PKCS_KEY_PAIR_GEN : CKM_EC_KEY_PAIR_GEN;
    HNBSEC_CHECK(require_mechanism(generator));

    AttributeTemplate public_template;
    public_template.add_bool(CKA_TOKEN, true)
        .add_bool(CKA_PRIVATE, false)  // readable without login, for `hnbsec pki show`
        .add_bool(CKA_VERIFY, true)
        .add_bool(CKA_ENCRYPT, false)
        .add_bool(CKA_WRAP, false)
        .add_text(CKA_LABEL, key_label)
        .add_bytes(CKA_ID, id);
    if (spec.type == KeyType::kRsa) {
        static constexpr std::array<std::uint8_t, 3> kF4 = {0x01, 0x00, 0x01};  // 65537
        public_template.add_ulong(CKA_MODULUS_BITS, spec.rsa_bits).add_bytes(CKA_PUBLIC_EXPONENT, kF4);
    } else {
        public_template.add_bytes(CKA_EC_PARAMS, ec_params_der(spec.curve));
    }

    AttributeTemplate private_template;
    private_template.add_bool(CKA_TOKEN, true)
        .add_bool(CKA_PRIVATE, true)
        .add_bool(CKA_SENSITIVE, true)
        .add_bool(CKA_EXTRACTABLE, false)
        .add_bool(CKA_SIGN, true)
        .add_bool(CKA_DECRYPT, false)
        .add_bool(CKA_UNWRAP, false)
        .add_bool(CKA_DERIVE, false)
        .add_text(CKA_LABEL, key_label)
        .add_bytes(CKA_ID, id);

    CK_MECHANISM mechanism{generator, nullptr, 0};
    TokenKey key{std::string(key_label), std::vector<std::uint8_t>(id.begin(), id.end()), spec.type,
                 CK_INVALID_HANDLE, CK_INVALID_HANDLE};
    CK_RV rv = module_->api().C_GenerateKeyPair(session_, &mechanism, public_template.data(),
                                                public_template.size(), private_template.data(),
                                                private_template.size(), &key.public_key, &key.private_key);
    if (rv != CKR_OK) {
        return pkcs11_error(
            "C_GenerateKeyPair", rv,
            "generating " + describe(spec) + " key '" + key.label + "' on token '" + label_ + "'");
    }
    return key;
}

Result<TokenKey> Token::describe_private_key(CK_OBJECT_HANDLE private_key) const {
    auto& api = module_->api();
    TokenKey key;
    key.private_key = private_key;
    HNBSEC_TRY(auto label, hsm::read_attribute(api, session_, private_key, CKA_LABEL));
    key.label.assign(label.begin(), label.end());
    HNBSEC_TRY(key.id, hsm::read_attribute(api, session_, private_key, CKA_ID));
    HNBSEC_TRY(CK_ULONG type, read_ulong_attribute(api, session_, private_key, CKA_KEY_TYPE));
    if (type == CKK_RSA) {
        key.type = KeyType::kRsa;
    } else if (type == CKK_EC) {
        key.type = KeyType::kEc;
    } else {
        return Error("key '" + key.label + "' on token '" + label_ + "' has CKA_KEY_TYPE " +
                     std::to_string(type) + "; hnbsec handles RSA and EC keys only");
    }

    // The public half shares the CKA_ID (hnbsec sets it); fall back to the label.
    AttributeTemplate search;
    search.add_ulong(CKA_CLASS, CKO_PUBLIC_KEY);
    if (!key.id.empty()) {
        search.add_bytes(CKA_ID, key.id);
    } else {
        search.add_text(CKA_LABEL, key.label);
    }
    HNBSEC_TRY(auto publics, find(std::move(search)));
    if (publics.size() == 1) key.public_key = publics.front();
    return key;
}

Result<std::vector<TokenKey>> Token::keys() const {
    HNBSEC_TRY(auto handles, find(std::move(AttributeTemplate().add_ulong(CKA_CLASS, CKO_PRIVATE_KEY))));
    std::vector<TokenKey> keys;
    for (CK_OBJECT_HANDLE handle : handles) {
        HNBSEC_TRY(TokenKey key, describe_private_key(handle));
        keys.push_back(std::move(key));
    }
    return keys;
}

Result<TokenKey> Token::find_key(std::string_view key_label) const {
    Pkcs11Uri by_label;
    by_label.object = std::string(key_label);
    return find_key(by_label);
}

Result<TokenKey> Token::find_key(const Pkcs11Uri& query) const {
    if (!query.token.empty() && query.token != label_) {
        return Error("pkcs11: URI names token '" + query.token + "' but this is token '" + label_ + "'");
    }
    if (query.type && *query.type != ObjectType::kPrivate) {
        return Error("pkcs11: URI names a " + std::string(object_type_name(*query.type)) +
                     " object; hnbsec looks up private keys (type=private)");
    }
    if (query.object.empty() && query.id.empty()) {
        return Error("pkcs11: URI " + query.format() + " names no key; give object= and/or id=");
    }

    AttributeTemplate search;
    search.add_ulong(CKA_CLASS, CKO_PRIVATE_KEY);
    if (!query.object.empty()) search.add_text(CKA_LABEL, query.object);
    if (!query.id.empty()) search.add_bytes(CKA_ID, query.id);
    HNBSEC_TRY(auto handles, find(std::move(search)));

    Pkcs11Uri wanted = query;
    wanted.token = label_;
    if (handles.size() > 1) {
        return Error(std::to_string(handles.size()) + " private keys match " + wanted.format() +
                     "; give the id too");
    }
    if (handles.empty()) {
        std::string present;
        if (auto all = keys(); all.ok()) {
            for (const auto& key : *all) present += (present.empty() ? "" : ", ") + uri(key).format();
        }
        return Error("no private key matches " + wanted.format() +
                     (present.empty()
                          ? "; the token has no private keys visible in this session (is it opened "
                            "with a PIN?)"
                          : "; keys present: " + present));
    }
    return describe_private_key(handles.front());
}

Pkcs11Uri Token::uri(const TokenKey& key) const {
    Pkcs11Uri result;
    result.token = label_;
    result.object = key.label;
    result.id = key.id;
    result.type = ObjectType::kPrivate;
    return result;
}

}  // namespace hnbsec::hsm
