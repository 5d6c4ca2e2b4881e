#include "hsm/libp11_key.h"

#include <gtest/gtest.h>

#include "hsm/test_support.h"
#include "hsm/token_signer.h"
#include "proto/ossl/errors.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {
namespace {

using testing::bytes;
using testing::verifies;

class Libp11KeyTest : public testing::SoftHsmTest {
protected:
    // EVP_DigestSign with the libp11 key, verified with the public key read
    // through the raw PKCS#11 Token.
    void expect_digest_sign_verifies(const TokenKey& key, const char* digest) {
        auto bridged = Libp11Key::open(module_, token_->uri(key), testing::user_pin());
        ASSERT_TRUE(bridged.ok()) << bridged.error().message();
        const auto message = bytes("HeNB IKEv2 AUTH payload stand-in");

        ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
        ASSERT_EQ(
            EVP_DigestSignInit_ex(ctx.get(), nullptr, digest, nullptr, nullptr, bridged->pkey(), nullptr), 1)
            << ossl::errors();
        std::size_t size = 0;
        ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1)
            << ossl::errors();
        std::vector<std::uint8_t> signature(size);
        ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1)
            << ossl::errors();
        signature.resize(size);

        auto public_key = token_->public_key(key);
        ASSERT_TRUE(public_key.ok());
        EXPECT_TRUE(verifies(public_key->get(), digest, message, signature));
    }
};

TEST_F(Libp11KeyTest, RsaEvpDigestSignVerifies) {
    TokenKey key = generate(KeySpec::rsa(2048), "device", 0x01);
    expect_digest_sign_verifies(key, "SHA256");
}

TEST_F(Libp11KeyTest, EcEvpDigestSignVerifies) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    expect_digest_sign_verifies(key, "SHA256");
}

TEST_F(Libp11KeyTest, EcP384EvpDigestSignVerifies) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP384), "device", 0x01);
    expect_digest_sign_verifies(key, "SHA384");
}

TEST_F(Libp11KeyTest, RsaPssThroughEvpVerifies) {
    TokenKey key = generate(KeySpec::rsa(2048), "device", 0x01);
    auto bridged = Libp11Key::open(module_, token_->uri(key), testing::user_pin());
    ASSERT_TRUE(bridged.ok()) << bridged.error().message();
    const auto message = bytes("TLS 1.3 CertificateVerify stand-in");
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), &pctx, "SHA256", nullptr, nullptr, bridged->pkey(), nullptr),
              1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
    ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, 32), 1);
    std::size_t size = 0;
    ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
    std::vector<std::uint8_t> signature(size);
    ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1)
        << ossl::errors();
    signature.resize(size);
    auto public_key = token_->public_key(key);
    ASSERT_TRUE(public_key.ok());
    EXPECT_TRUE(verifies(public_key->get(), "SHA256", message, signature, 32));
}

// Destroying the bridge must not close the raw Token's session (libp11 would
// call C_CloseAllSessions) nor finalize the library under it.
TEST_F(Libp11KeyTest, RawTokenKeepsWorkingAfterBridgeIsGone) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    {
        auto bridged = Libp11Key::open(module_, token_->uri(key), testing::user_pin());
        ASSERT_TRUE(bridged.ok()) << bridged.error().message();
    }
    auto signature =
        sign_message(*token_, key, SignatureScheme::ecdsa(HashAlgorithm::kSha256), bytes("after"));
    ASSERT_TRUE(signature.ok()) << signature.error().message();
    auto second = generate(KeySpec::ec(EcCurve::kP256), "second", 0x02);
    EXPECT_NE(second.private_key, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
}

// And the other order: the bridge outlives the Token and the test's module handle.
TEST_F(Libp11KeyTest, BridgeKeepsWorkingAfterTokenAndModuleHandleAreGone) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto public_key = token_->public_key(key);
    ASSERT_TRUE(public_key.ok());
    auto bridged = Libp11Key::open(module_, token_->uri(key), testing::user_pin());
    ASSERT_TRUE(bridged.ok()) << bridged.error().message();
    token_.reset();
    module_.reset();  // the bridge holds its own reference

    const auto message = bytes("still signing");
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ASSERT_EQ(EVP_DigestSignInit_ex(ctx.get(), nullptr, "SHA256", nullptr, nullptr, bridged->pkey(), nullptr),
              1);
    std::size_t size = 0;
    ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
    std::vector<std::uint8_t> signature(size);
    ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1)
        << ossl::errors();
    signature.resize(size);
    EXPECT_TRUE(verifies(public_key->get(), "SHA256", message, signature));
}

// Two Pkcs11Module objects share the library; releasing the one the bridge was
// opened on must not close sessions of Tokens opened through the other.
TEST_F(Libp11KeyTest, BridgeOnSecondModuleObjectLeavesTokenSessionsAlone) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    {
        auto other_module = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
        ASSERT_TRUE(other_module.ok()) << other_module.error().message();
        auto bridged = Libp11Key::open(*other_module, token_->uri(key), testing::user_pin());
        ASSERT_TRUE(bridged.ok()) << bridged.error().message();
    }
    auto signature =
        sign_message(*token_, key, SignatureScheme::ecdsa(HashAlgorithm::kSha256), bytes("after"));
    EXPECT_TRUE(signature.ok()) << signature.error().message();
}

TEST_F(Libp11KeyTest, WrongPinNamesCkrCodeButNotPin) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    token_.reset();  // no login left in this process
    auto uri = Pkcs11Uri::parse("pkcs11:token=hnbsec-test;object=device");
    ASSERT_TRUE(uri.ok());
    auto bridged =
        Libp11Key::open(module_, *uri, Pin::from_secret("wrong-9876", "environment variable X_PIN"));
    ASSERT_FALSE(bridged.ok());
    const std::string message = bridged.error().message();
    EXPECT_NE(message.find("CKR_PIN_INCORRECT"), std::string::npos) << message;
    EXPECT_NE(message.find("environment variable X_PIN"), std::string::npos) << message;
    EXPECT_EQ(message.find("wrong-9876"), std::string::npos);
}

TEST_F(Libp11KeyTest, UnknownTokenAndKeyAreListed) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto no_token =
        Libp11Key::open(module_, *Pkcs11Uri::parse("pkcs11:token=nope;object=device"), testing::user_pin());
    ASSERT_FALSE(no_token.ok());
    EXPECT_EQ(no_token.error().what(), "no token labelled 'nope'; tokens present: 'hnbsec-test'");

    auto no_key = Libp11Key::open(module_, *Pkcs11Uri::parse("pkcs11:token=hnbsec-test;object=nope"),
                                  testing::user_pin());
    ASSERT_FALSE(no_key.ok());
    EXPECT_NE(no_key.error().what().find("keys present: 'device'"), std::string::npos)
        << no_key.error().what();
}

}  // namespace
}  // namespace hnbsec::hsm
