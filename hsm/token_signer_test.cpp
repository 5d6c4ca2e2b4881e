#include "hsm/token_signer.h"

#include <gtest/gtest.h>

#include "hsm/test_support.h"

namespace hnbsec::hsm {
namespace {

using testing::bytes;
using testing::verifies;

class TokenSignerTest : public testing::SoftHsmTest {
protected:
    // Signs on the token and verifies with OpenSSL against the public key read from it.
    void expect_verifies(const TokenKey& key, const SignatureScheme& scheme,
                         std::optional<int> pss_salt = {}) {
        const auto message = bytes("HeNB device authentication, TS 33.320 clause 7");
        auto signature = sign_message(*token_, key, scheme, message);
        ASSERT_TRUE(signature.ok()) << scheme.name() << ": " << signature.error().message();
        auto public_key = token_->public_key(key);
        ASSERT_TRUE(public_key.ok()) << public_key.error().message();
        const std::string digest(hash_name(scheme.hash));
        EXPECT_TRUE(verifies(public_key->get(), digest.c_str(), message, *signature, pss_salt))
            << scheme.name();
        auto tampered = bytes("HeNB device authentication, TS 33.320 clause 8");
        EXPECT_FALSE(verifies(public_key->get(), digest.c_str(), tampered, *signature, pss_salt))
            << scheme.name();
    }
};

TEST_F(TokenSignerTest, RsaPkcs1v15Sha256Verifies) {
    TokenKey key = generate(KeySpec::rsa(2048), "rsa", 0x01);
    expect_verifies(key, SignatureScheme::rsa_pkcs1_v15(HashAlgorithm::kSha256));
}

TEST_F(TokenSignerTest, RsaPkcs1v15Sha384AndSha512Verify) {
    TokenKey key = generate(KeySpec::rsa(2048), "rsa", 0x01);
    expect_verifies(key, SignatureScheme::rsa_pkcs1_v15(HashAlgorithm::kSha384));
    expect_verifies(key, SignatureScheme::rsa_pkcs1_v15(HashAlgorithm::kSha512));
}

TEST_F(TokenSignerTest, RsaPssSha256Salt32Verifies) {
    TokenKey key = generate(KeySpec::rsa(2048), "rsa", 0x01);
    expect_verifies(key, SignatureScheme::rsa_pss(HashAlgorithm::kSha256, 32), 32);
}

TEST_F(TokenSignerTest, RsaPssSha512DefaultSaltVerifies) {
    TokenKey key = generate(KeySpec::rsa(2048), "rsa", 0x01);
    EXPECT_EQ(SignatureScheme::rsa_pss(HashAlgorithm::kSha512).name(), "RSA-PSS/SHA-512 (salt 64)");
    expect_verifies(key, SignatureScheme::rsa_pss(HashAlgorithm::kSha512), 64);
}

TEST_F(TokenSignerTest, EcdsaP256Sha256Verifies) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "ec", 0x01);
    expect_verifies(key, SignatureScheme::ecdsa(HashAlgorithm::kSha256));
}

TEST_F(TokenSignerTest, EcdsaP384Sha384Verifies) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP384), "ec", 0x01);
    expect_verifies(key, SignatureScheme::ecdsa(HashAlgorithm::kSha384));
}

TEST_F(TokenSignerTest, EcdsaP256Sha512Verifies) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "ec", 0x01);
    expect_verifies(key, SignatureScheme::ecdsa(HashAlgorithm::kSha512));
}

TEST_F(TokenSignerTest, SchemeAndKeyTypeMustMatch) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "ec", 0x01);
    auto signature = sign_message(*token_, key, SignatureScheme::rsa_pss(HashAlgorithm::kSha256), bytes("x"));
    ASSERT_FALSE(signature.ok());
    EXPECT_EQ(signature.error().what(),
              "RSA-PSS/SHA-256 (salt 32) needs an RSA key, but key 'ec' on token 'hnbsec-test' is EC");
}

TEST_F(TokenSignerTest, DigestLengthChecked) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "ec", 0x01);
    auto signature = sign_digest(*token_, key, SignatureScheme::ecdsa(HashAlgorithm::kSha384),
                                 std::vector<std::uint8_t>(32));
    ASSERT_FALSE(signature.ok());
    EXPECT_NE(signature.error().what().find("needs a 48-byte digest"), std::string::npos);
}

TEST_F(TokenSignerTest, SigningWithoutLoginNamesTheRemedy) {
    generate(KeySpec::ec(EcCurve::kP256), "ec", 0x01);
    auto key = token_->find_key("ec");
    ASSERT_TRUE(key.ok());
    TokenKey found = *key;
    token_.reset();
    auto public_session = Token::open_public(module_, testing::kTokenLabel);
    ASSERT_TRUE(public_session.ok());
    auto signature =
        sign_message(*public_session, found, SignatureScheme::ecdsa(HashAlgorithm::kSha256), bytes("x"));
    ASSERT_FALSE(signature.ok());
    EXPECT_NE(signature.error().what().find("C_SignInit failed: "), std::string::npos)
        << signature.error().what();
}

}  // namespace
}  // namespace hnbsec::hsm
