#include "hsm/ckr_names.h"

#include <gtest/gtest.h>

namespace hnbsec::hsm {
namespace {

TEST(CkrNames, NamesKnownCodes) {
    EXPECT_EQ(ckr_name(CKR_OK), "CKR_OK");
    EXPECT_EQ(ckr_name(CKR_PIN_INCORRECT), "CKR_PIN_INCORRECT");
    EXPECT_EQ(ckr_name(CKR_ATTRIBUTE_SENSITIVE), "CKR_ATTRIBUTE_SENSITIVE");
    EXPECT_EQ(ckr_name(CKR_CRYPTOKI_ALREADY_INITIALIZED), "CKR_CRYPTOKI_ALREADY_INITIALIZED");
}

TEST(CkrNames, UnknownCodesShowHex) {
    EXPECT_EQ(ckr_name(0x80000001UL), "CKR_0x80000001");
    EXPECT_EQ(ckm_name(0x80001234UL), "CKM_0x80001234");
}

TEST(CkrNames, MechanismAndAttributeNames) {
    EXPECT_EQ(ckm_name(CKM_ECDSA_SHA256), "CKM_ECDSA_SHA256");
    EXPECT_EQ(ckm_name(CKM_RSA_PKCS_PSS), "CKM_RSA_PKCS_PSS");
    EXPECT_EQ(cka_name(CKA_PRIVATE_EXPONENT), "CKA_PRIVATE_EXPONENT");
}

TEST(CkrNames, ErrorReadsFunctionCodeHint) {
    Error e = pkcs11_error("C_Login", CKR_PIN_INCORRECT, "the PIN from PIN file x is wrong");
    EXPECT_EQ(e.what(), "C_Login failed: CKR_PIN_INCORRECT \u2014 the PIN from PIN file x is wrong");
    EXPECT_EQ(pkcs11_error("C_Sign", CKR_DEVICE_ERROR).what(), "C_Sign failed: CKR_DEVICE_ERROR");
}

}  // namespace
}  // namespace hnbsec::hsm
