#include "proto/ike/crypto/dh.h"

#include <algorithm>
#include <array>
#include <mutex>
#include <string>

#include <openssl/core_names.h>
#include <openssl/dh.h>

#include "proto/ike/crypto/dh_groups.h"

namespace hnbsec::ike {
namespace {

using ossl::BnPtr;
using ossl::PkeyPtr;

Result<const DhGroupInfo*> info_for(DhGroup group) {
    const DhGroupInfo* info = dh_group_info(group);
    if (info == nullptr) return Error("Diffie-Hellman group " + to_string(group) + " is not supported");
    return info;
}

BnPtr bn_from(OctetSpan octets) {
    return BnPtr(BN_bin2bn(octets.data(), static_cast<int>(octets.size()), nullptr));
}

Octets bn_to_octets(const BIGNUM* bn, std::size_t size) {
    Octets out(size);
    BN_bn2binpad(bn, out.data(), static_cast<int>(size));
    return out;
}

// Builds an EVP_PKEY from parameters; selection is EVP_PKEY_KEY_PARAMETERS, _PUBLIC_KEY or _KEYPAIR.
Result<PkeyPtr> pkey_fromdata(const char* type, OSSL_PARAM_BLD* bld, int selection) {
    ossl::ParamPtr params(OSSL_PARAM_BLD_to_param(bld));
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
    EVP_PKEY* raw = nullptr;
    if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
        EVP_PKEY_fromdata(ctx.get(), &raw, selection, params.get()) != 1)
        return Error(std::string("building a ") + type + " key failed: " + ossl::errors());
    return PkeyPtr(raw);
}

Result<PkeyPtr> generate_from(EVP_PKEY_CTX* ctx, const DhGroupInfo& info) {
    EVP_PKEY* raw = nullptr;
    if (ctx == nullptr || EVP_PKEY_keygen_init(ctx) != 1)
        return Error(to_string(info.group) + " key generation setup failed: " + ossl::errors());
    if (EVP_PKEY_generate(ctx, &raw) != 1)
        return Error(to_string(info.group) + " key generation failed: " + ossl::errors());
    return PkeyPtr(raw);
}

// A group's parameter key (the template keys are generated from), built once per group:
// building OpenSSL's group objects costs as much as a key generation, so a handshake must
// not pay for it. The cached key is never modified, which makes sharing it thread-safe.
using ParameterLoader = Result<PkeyPtr> (*)(const DhGroupInfo&);
Result<EVP_PKEY*> cached_parameters(const DhGroupInfo& info, ParameterLoader load) {
    struct Cached {
        std::once_flag once;
        PkeyPtr params;
        std::string error;
    };
    static std::array<Cached, 64> cache;  // indexed by Transform ID (all supported IDs are below 64)
    const auto index = static_cast<std::size_t>(info.group);
    if (index >= cache.size()) return Error("no parameter cache slot for " + to_string(info.group));
    Cached& c = cache[index];
    std::call_once(c.once, [&] {
        auto loaded = load(info);
        if (loaded.ok())
            c.params = std::move(loaded).value();
        else
            c.error = loaded.error().what();
    });
    if (!c.params) return Error(c.error);
    return c.params.get();
}

// ---- MODP --------------------------------------------------------------------------------

// The group's prime p and generator g (2 for every IKE MODP group).
struct ModpDomain {
    BnPtr p;
    BnPtr g;
};

Result<ModpDomain> load_modp_domain(const DhGroupInfo& info) {
    ModpDomain d{BnPtr(BN_new()), BnPtr(BN_new())};
    if (!d.p || !d.g || BN_set_word(d.g.get(), 2) != 1) return Error("BIGNUM allocation failed");
    if (info.prime_hex != nullptr) {
        BIGNUM* p = d.p.get();
        if (BN_hex2bn(&p, info.prime_hex) == 0)
            return Error("bad built-in prime for " + to_string(info.group));
        return d;
    }
    // OpenSSL knows the RFC 3526 groups by name; read p back from it.
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info.openssl_name, 0) != 1)
        return Error("OSSL_PARAM_BLD failed: " + ossl::errors());
    HNBSEC_TRY(PkeyPtr params, pkey_fromdata("DH", bld.get(), EVP_PKEY_KEY_PARAMETERS));
    BIGNUM* p = nullptr;
    if (EVP_PKEY_get_bn_param(params.get(), OSSL_PKEY_PARAM_FFC_P, &p) != 1)
        return Error("reading the prime of " + std::string(info.openssl_name) + " failed: " + ossl::errors());
    d.p.reset(p);
    return d;
}

// The group's domain, read once per group (building an OpenSSL parameter object costs more
// than the range check it serves) and handed out as copies.
Result<ModpDomain> modp_domain(const DhGroupInfo& info) {
    struct Cached {
        std::once_flag once;
        BnPtr p;
        std::string error;
    };
    static std::array<Cached, 32> cache;  // indexed by Transform ID; MODP IDs are below 32
    const auto index = static_cast<std::size_t>(info.group);
    if (index >= cache.size()) return load_modp_domain(info);
    Cached& c = cache[index];
    std::call_once(c.once, [&] {
        auto loaded = load_modp_domain(info);
        if (loaded.ok())
            c.p = std::move(loaded->p);
        else
            c.error = loaded.error().what();
    });
    if (!c.p) return Error(c.error);
    ModpDomain d{BnPtr(BN_dup(c.p.get())), BnPtr(BN_new())};
    if (!d.p || !d.g || BN_set_word(d.g.get(), 2) != 1) return Error("BIGNUM allocation failed");
    return d;
}

// Pushes the domain parameters: the OpenSSL group name, or p and g.
Status push_modp_domain(OSSL_PARAM_BLD* bld, const DhGroupInfo& info, const ModpDomain& d) {
    int ok = info.openssl_name != nullptr
                 ? OSSL_PARAM_BLD_push_utf8_string(bld, OSSL_PKEY_PARAM_GROUP_NAME, info.openssl_name, 0)
                 : OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_P, d.p.get()) &
                       OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_FFC_G, d.g.get());
    if (ok != 1) return Error("OSSL_PARAM_BLD failed: " + ossl::errors());
    return Ok{};
}

Status validate_modp(const DhGroupInfo& info, const ModpDomain& d, OctetSpan y_octets) {
    BnPtr y = bn_from(y_octets);
    BnPtr p_minus_1(BN_dup(d.p.get()));
    if (!y || !p_minus_1 || BN_sub_word(p_minus_1.get(), 1) != 1) return Error("BIGNUM allocation failed");
    // RFC 6989 §2.1: for these safe-prime groups, 1 < y < p-1 is the check.
    if (BN_cmp(y.get(), BN_value_one()) <= 0)
        return Error(to_string(info.group) + " public value is " + (BN_is_zero(y.get()) ? "0" : "1") +
                     ", must satisfy 1 < y < p-1 (RFC 6989 §2.1)");
    if (BN_cmp(y.get(), p_minus_1.get()) >= 0)
        return Error(
            to_string(info.group) + " public value is " +
            (BN_cmp(y.get(), p_minus_1.get()) == 0 ? std::string("p-1") : std::string("not below p")) +
            ", must satisfy 1 < y < p-1 (RFC 6989 §2.1)");
    return Ok{};
}

Result<Octets> modp_public_value(const DhGroupInfo& info, EVP_PKEY* key) {
    BIGNUM* y = nullptr;
    if (EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_PUB_KEY, &y) != 1)
        return Error("reading the " + to_string(info.group) + " public value failed: " + ossl::errors());
    BnPtr owned(y);
    return bn_to_octets(y, info.field_size);
}

Result<PkeyPtr> modp_key(const DhGroupInfo& info, const ModpDomain& d, const BIGNUM* x, const BIGNUM* y) {
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld) return Error("OSSL_PARAM_BLD_new failed");
    HNBSEC_CHECK(push_modp_domain(bld.get(), info, d));
    if (OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, y) != 1 ||
        (x != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, x) != 1))
        return Error("OSSL_PARAM_BLD failed: " + ossl::errors());
    return pkey_fromdata("DH", bld.get(), x != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

Result<PkeyPtr> load_modp_parameters(const DhGroupInfo& info) {
    HNBSEC_TRY(ModpDomain d, modp_domain(info));
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld) return Error("OSSL_PARAM_BLD_new failed");
    HNBSEC_CHECK(push_modp_domain(bld.get(), info, d));
    return pkey_fromdata("DH", bld.get(), EVP_PKEY_KEY_PARAMETERS);
}

Result<PkeyPtr> modp_generate(const DhGroupInfo& info) {
    HNBSEC_TRY(EVP_PKEY * params, cached_parameters(info, load_modp_parameters));
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
    return generate_from(ctx.get(), info);
}

Result<PkeyPtr> modp_from_private(const DhGroupInfo& info, OctetSpan x_octets) {
    HNBSEC_TRY(ModpDomain d, modp_domain(info));
    BnPtr x = bn_from(x_octets);
    BnPtr y(BN_new());
    BnPtr p_minus_1(BN_dup(d.p.get()));
    ossl::BnCtxPtr bn_ctx(BN_CTX_new());
    if (!x || !y || !p_minus_1 || !bn_ctx || BN_sub_word(p_minus_1.get(), 1) != 1)
        return Error("BIGNUM allocation failed");
    if (BN_is_zero(x.get()) || BN_cmp(x.get(), p_minus_1.get()) >= 0)
        return Error(to_string(info.group) + " private exponent must satisfy 1 <= x < p-1");
    if (BN_mod_exp(y.get(), d.g.get(), x.get(), d.p.get(), bn_ctx.get()) != 1)
        return Error("g^x mod p failed: " + ossl::errors());
    return modp_key(info, d, x.get(), y.get());
}

// ---- ECP ---------------------------------------------------------------------------------

// The curve and its field prime, built once per group and then only read (thread-safe).
struct EcCurve {
    ossl::EcGroupPtr group;
    BnPtr p;
};

Result<const EcCurve*> ec_curve(const DhGroupInfo& info) {
    struct Cached {
        std::once_flag once;
        EcCurve curve;
    };
    static std::array<Cached, 64> cache;  // indexed by Transform ID
    const auto index = static_cast<std::size_t>(info.group);
    if (index >= cache.size()) return Error("no curve cache slot for " + to_string(info.group));
    Cached& c = cache[index];
    std::call_once(c.once, [&] {
        ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(info.curve_nid));
        BnPtr p(BN_new());
        if (group && p && EC_GROUP_get_curve(group.get(), p.get(), nullptr, nullptr, nullptr) == 1)
            c.curve = EcCurve{std::move(group), std::move(p)};
    });
    if (!c.curve.group) return Error("EC setup for " + to_string(info.group) + " failed: " + ossl::errors());
    return &c.curve;
}

// Parses x | y and checks it names a point of the curve (RFC 5903 §7, RFC 6989 §2.3).
Status ecp_point(const DhGroupInfo& info, OctetSpan xy) {
    const std::size_t n = info.field_size;
    HNBSEC_TRY(const EcCurve* curve, ec_curve(info));
    ossl::BnCtxPtr bn_ctx(BN_CTX_new());
    BnPtr x = bn_from(xy.first(n));
    BnPtr y = bn_from(xy.subspan(n));
    if (!bn_ctx || !x || !y) return Error("BIGNUM allocation failed");
    if (BN_cmp(x.get(), curve->p.get()) >= 0)
        return Error(to_string(info.group) + " public value: x coordinate is not below the field prime");
    if (BN_cmp(y.get(), curve->p.get()) >= 0)
        return Error(to_string(info.group) + " public value: y coordinate is not below the field prime");
    const EC_GROUP* group = curve->group.get();
    ossl::EcPointPtr point(EC_POINT_new(group));
    if (!point) return Error("EC_POINT_new failed");
    if (EC_POINT_set_affine_coordinates(group, point.get(), x.get(), y.get(), bn_ctx.get()) != 1 ||
        EC_POINT_is_on_curve(group, point.get(), bn_ctx.get()) != 1) {
        ossl::clear_errors();
        return Error(to_string(info.group) + " public value (x, y) is not a point on " + info.openssl_name +
                     " (RFC 6989 §2.3)");
    }
    return Ok{};
}

Result<PkeyPtr> load_ecp_parameters(const DhGroupInfo& info) {
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info.openssl_name, 0) != 1)
        return Error("OSSL_PARAM_BLD failed: " + ossl::errors());
    return pkey_fromdata("EC", bld.get(), EVP_PKEY_KEY_PARAMETERS);
}

Result<Octets> uncompressed(const EC_GROUP* group, const EC_POINT* point) {
    ossl::BnCtxPtr bn_ctx(BN_CTX_new());
    std::size_t len =
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, nullptr, 0, bn_ctx.get());
    Octets out(len);
    if (len == 0 ||
        EC_POINT_point2oct(group, point, POINT_CONVERSION_UNCOMPRESSED, out.data(), len, bn_ctx.get()) != len)
        return Error("EC point encoding failed: " + ossl::errors());
    return out;
}

Result<PkeyPtr> ecp_key(const DhGroupInfo& info, OctetSpan point_04xy, const BIGNUM* d) {
    ossl::ParamBldPtr bld(OSSL_PARAM_BLD_new());
    if (!bld ||
        OSSL_PARAM_BLD_push_utf8_string(bld.get(), OSSL_PKEY_PARAM_GROUP_NAME, info.openssl_name, 0) != 1 ||
        OSSL_PARAM_BLD_push_octet_string(bld.get(), OSSL_PKEY_PARAM_PUB_KEY, point_04xy.data(),
                                         point_04xy.size()) != 1 ||
        (d != nullptr && OSSL_PARAM_BLD_push_BN(bld.get(), OSSL_PKEY_PARAM_PRIV_KEY, d) != 1))
        return Error("OSSL_PARAM_BLD failed: " + ossl::errors());
    return pkey_fromdata("EC", bld.get(), d != nullptr ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY);
}

// The public point as x | y (RFC 5903 §7): OpenSSL's uncompressed encoding without its 0x04.
Result<Octets> ecp_public_value(const DhGroupInfo& info, EVP_PKEY* key) {
    Octets encoded(1 + 2 * info.field_size);
    std::size_t len = 0;
    if (EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_PUB_KEY, encoded.data(), encoded.size(), &len) !=
            1 ||
        len != encoded.size() || encoded[0] != 0x04)
        return Error("reading the " + to_string(info.group) + " public value failed: " + ossl::errors());
    return Octets(encoded.begin() + 1, encoded.end());
}

Result<PkeyPtr> ecp_from_private(const DhGroupInfo& info, OctetSpan d_octets) {
    ossl::EcGroupPtr group(EC_GROUP_new_by_curve_name(info.curve_nid));
    ossl::BnCtxPtr bn_ctx(BN_CTX_new());
    BnPtr d = bn_from(d_octets);
    if (!group || !bn_ctx || !d)
        return Error("EC setup for " + to_string(info.group) + " failed: " + ossl::errors());
    if (BN_is_zero(d.get()) || BN_cmp(d.get(), EC_GROUP_get0_order(group.get())) >= 0)
        return Error(to_string(info.group) + " private scalar must satisfy 1 <= d < n");
    ossl::EcPointPtr q(EC_POINT_new(group.get()));
    if (!q || EC_POINT_mul(group.get(), q.get(), d.get(), nullptr, nullptr, bn_ctx.get()) != 1)
        return Error("d*G failed: " + ossl::errors());
    HNBSEC_TRY(Octets pub, uncompressed(group.get(), q.get()));
    return ecp_key(info, pub, d.get());
}

// ---- Curve25519 --------------------------------------------------------------------------

Result<Octets> x25519_public_value(EVP_PKEY* key) {
    Octets out(32);
    std::size_t len = out.size();
    if (EVP_PKEY_get_raw_public_key(key, out.data(), &len) != 1 || len != 32)
        return Error("reading the X25519 public value failed: " + ossl::errors());
    return out;
}

// ---- any group ---------------------------------------------------------------------------

Result<Octets> public_value_of(const DhGroupInfo& info, EVP_PKEY* key) {
    switch (info.family) {
        case DhFamily::kModp:
            return modp_public_value(info, key);
        case DhFamily::kEcp:
            return ecp_public_value(info, key);
        case DhFamily::kCurve25519:
            return x25519_public_value(key);
    }
    return Error("unknown group family");
}

Status check_length(const DhGroupInfo& info, OctetSpan value) {
    const std::size_t want = dh_public_value_size(info.group);
    if (value.size() == want) return Ok{};
    const char* rule = info.family == DhFamily::kModp  ? "the length of the prime (RFC 7296 §3.4)"
                       : info.family == DhFamily::kEcp ? "x | y without the 0x04 octet (RFC 5903 §7)"
                                                       : "RFC 8031 §2";
    return Error(to_string(info.group) + " public value is " + std::to_string(value.size()) +
                 " octets, expected " + std::to_string(want) + ": " + rule);
}

// The peer's public value as an EVP_PKEY of our group, after validation.
Result<PkeyPtr> peer_key(const DhGroupInfo& info, OctetSpan value) {
    HNBSEC_CHECK(check_length(info, value));
    switch (info.family) {
        case DhFamily::kModp: {
            HNBSEC_TRY(ModpDomain d, modp_domain(info));
            HNBSEC_CHECK(validate_modp(info, d, value));
            BnPtr y = bn_from(value);
            return modp_key(info, d, nullptr, y.get());
        }
        case DhFamily::kEcp: {
            HNBSEC_CHECK(ecp_point(info, value));
            Octets encoded = concat({Octets{0x04}, value});
            HNBSEC_TRY(EVP_PKEY * params, cached_parameters(info, load_ecp_parameters));
            PkeyPtr key(EVP_PKEY_dup(params));
            if (!key || EVP_PKEY_set1_encoded_public_key(key.get(), encoded.data(), encoded.size()) != 1)
                return Error(to_string(info.group) + " public value rejected: " + ossl::errors());
            return key;
        }
        case DhFamily::kCurve25519: {
            PkeyPtr key(
                EVP_PKEY_new_raw_public_key_ex(nullptr, "X25519", nullptr, value.data(), value.size()));
            if (!key) return Error("X25519 public value rejected: " + ossl::errors());
            return key;
        }
    }
    return Error("unknown group family");
}

}  // namespace

bool dh_supported(DhGroup group) {
    return dh_group_info(group) != nullptr;
}

std::size_t dh_public_value_size(DhGroup group) {
    const DhGroupInfo* info = dh_group_info(group);
    if (info == nullptr) return 0;
    return info->family == DhFamily::kEcp ? 2 * info->field_size : info->field_size;
}

std::size_t dh_shared_secret_size(DhGroup group) {
    const DhGroupInfo* info = dh_group_info(group);
    return info == nullptr ? 0 : info->field_size;
}

Status validate_dh_public_value(DhGroup group, OctetSpan public_value) {
    HNBSEC_TRY(const DhGroupInfo* info, info_for(group));
    HNBSEC_CHECK(check_length(*info, public_value));
    switch (info->family) {
        case DhFamily::kModp: {
            HNBSEC_TRY(ModpDomain d, modp_domain(*info));
            return validate_modp(*info, d, public_value);
        }
        case DhFamily::kEcp: {
            HNBSEC_CHECK(ecp_point(*info, public_value));
            return Ok{};
        }
        case DhFamily::kCurve25519:
            return Ok{};
    }
    return Ok{};
}

Result<DhKeyPair> DhKeyPair::generate(DhGroup group) {
    HNBSEC_TRY(const DhGroupInfo* info, info_for(group));
    PkeyPtr key;
    switch (info->family) {
        case DhFamily::kModp: {
            HNBSEC_TRY(key, modp_generate(*info));
            break;
        }
        case DhFamily::kEcp: {
            HNBSEC_TRY(EVP_PKEY * params, cached_parameters(*info, load_ecp_parameters));
            ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, params, nullptr));
            HNBSEC_TRY(key, generate_from(ctx.get(), *info));
            break;
        }
        case DhFamily::kCurve25519: {
            ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "X25519", nullptr));
            HNBSEC_TRY(key, generate_from(ctx.get(), *info));
            break;
        }
    }
    HNBSEC_TRY(Octets pub, public_value_of(*info, key.get()));
    return DhKeyPair(group, std::move(key), std::move(pub));
}

Result<DhKeyPair> DhKeyPair::from_private_key(DhGroup group, OctetSpan private_key) {
    HNBSEC_TRY(const DhGroupInfo* info, info_for(group));
    PkeyPtr key;
    switch (info->family) {
        case DhFamily::kModp: {
            HNBSEC_TRY(key, modp_from_private(*info, private_key));
            break;
        }
        case DhFamily::kEcp: {
            HNBSEC_TRY(key, ecp_from_private(*info, private_key));
            break;
        }
        case DhFamily::kCurve25519:
            if (private_key.size() != 32)
                return Error("X25519 private key is " + std::to_string(private_key.size()) +
                             " octets, expected 32 (RFC 7748 §5)");
            key.reset(EVP_PKEY_new_raw_private_key_ex(nullptr, "X25519", nullptr, private_key.data(), 32));
            if (!key) return Error("X25519 private key rejected: " + ossl::errors());
            break;
    }
    HNBSEC_TRY(Octets pub, public_value_of(*info, key.get()));
    return DhKeyPair(group, std::move(key), std::move(pub));
}

Result<Octets> DhKeyPair::shared_secret(OctetSpan peer_public_value) const {
    HNBSEC_TRY(const DhGroupInfo* info, info_for(group_));
    HNBSEC_TRY(PkeyPtr peer, peer_key(*info, peer_public_value));
    ossl::PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key_.get(), nullptr));
    if (!ctx || EVP_PKEY_derive_init(ctx.get()) != 1)
        return Error(to_string(group_) + " derivation setup failed: " + ossl::errors());
    // RFC 7296 §2.14: g^ir is padded with zeros to the length of the modulus.
    if (info->family == DhFamily::kModp && EVP_PKEY_CTX_set_dh_pad(ctx.get(), 1) != 1)
        return Error("enabling DH padding failed: " + ossl::errors());
    // The peer value is validated above with the IKE rules; OpenSSL's own check is skipped so
    // that its errors never mask ours.
    if (EVP_PKEY_derive_set_peer_ex(ctx.get(), peer.get(), 0) != 1)
        return Error(to_string(group_) + " peer key rejected: " + ossl::errors());
    Octets out(info->field_size);
    std::size_t len = out.size();
    if (EVP_PKEY_derive(ctx.get(), out.data(), &len) != 1) {
        if (info->family == DhFamily::kCurve25519) {
            ossl::clear_errors();
            return Error(
                "X25519 shared secret is all zero: the peer's public value is a low-order point "
                "(RFC 7748 §6.1, RFC 8031 §2)");
        }
        return Error(to_string(group_) + " derivation failed: " + ossl::errors());
    }
    if (len != info->field_size)
        return Error(to_string(group_) + " shared secret is " + std::to_string(len) + " octets, expected " +
                     std::to_string(info->field_size));
    return out;
}

}  // namespace hnbsec::ike
