#pragma once
// Names for PKCS#11 return codes, mechanisms and attributes, so an error says
// "CKR_PIN_INCORRECT" or "CKM_ECDSA" instead of a bare number a lab engineer
// would have to look up in the PKCS#11 specification.

#include <string>
#include <string_view>

#include <p11-kit/pkcs11.h>

#include "core/error.h"

namespace hnbsec::hsm {

// "CKR_PIN_INCORRECT"; unknown or vendor codes come back as "CKR_0x80000001".
std::string ckr_name(CK_RV rv);

// "CKM_RSA_PKCS_PSS"; mechanisms outside the table come back as "CKM_0x...".
std::string ckm_name(CK_MECHANISM_TYPE mechanism);

// "CKA_PRIVATE_EXPONENT"; attributes outside the table come back as "CKA_0x...".
std::string cka_name(CK_ATTRIBUTE_TYPE attribute);

// "<function> failed: <CKR name>" plus " — <hint>" when a hint is given.
// The single place PKCS#11 failures become Errors, so every message names the code.
Error pkcs11_error(std::string_view function, CK_RV rv, std::string_view hint = {});

}  // namespace hnbsec::hsm
