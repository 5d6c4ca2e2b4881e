#include "hsm/ec_curves.h"

#include <memory>

#include <openssl/asn1.h>
#include <openssl/ec.h>
#include <openssl/objects.h>

#include "hsm/pkcs11_objects.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {
namespace {}  // namespace

std::vector<std::uint8_t> ec_params_der(EcCurve curve) {
    switch (curve) {
        case EcCurve::kP256:
            return {0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};  // prime256v1
        case EcCurve::kP384:
            return {0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22};  // secp384r1
    }
    return {};
}

Result<CurveInfo> curve_from_ec_params(std::span<const std::uint8_t> ec_params) {
    const unsigned char* cursor = ec_params.data();
    ossl::Asn1ObjectPtr oid(d2i_ASN1_OBJECT(nullptr, &cursor, static_cast<long>(ec_params.size())));
    if (!oid) {
        return Error("CKA_EC_PARAMS (" + percent_hex(ec_params) +
                     ") is not a named-curve OID; explicit curve parameters are not supported");
    }
    int nid = OBJ_obj2nid(oid.get());
    ossl::EcGroupPtr group(nid == NID_undef ? nullptr : EC_GROUP_new_by_curve_name(nid));
    if (!group) {
        char text[80];
        OBJ_obj2txt(text, sizeof text, oid.get(), 1);
        return Error(std::string("CKA_EC_PARAMS names curve ") + text + ", which OpenSSL does not know");
    }
    const char* nist = EC_curve_nid2nist(nid);
    CurveInfo info;
    info.group_name = OBJ_nid2sn(nid);
    info.nist_name = nist != nullptr ? nist : info.group_name;
    info.bits = static_cast<unsigned>(EC_GROUP_order_bits(group.get()));
    return info;
}

}  // namespace hnbsec::hsm
