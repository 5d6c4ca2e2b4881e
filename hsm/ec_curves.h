#pragma once
// Named elliptic curves as PKCS#11 carries them: CKA_EC_PARAMS holds the DER
// OBJECT IDENTIFIER of the curve (namedCurve form).

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "hsm/token_key.h"

namespace hnbsec::hsm {

struct CurveInfo {
    std::string nist_name;   // "P-256"
    std::string group_name;  // OpenSSL group name, "prime256v1"
    unsigned bits = 0;       // order size
};

// DER OID for CKA_EC_PARAMS when generating a key.
std::vector<std::uint8_t> ec_params_der(EcCurve curve);

// Names the curve of a CKA_EC_PARAMS value (any named curve OpenSSL knows).
Result<CurveInfo> curve_from_ec_params(std::span<const std::uint8_t> ec_params);

}  // namespace hnbsec::hsm
