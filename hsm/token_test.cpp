#include "hsm/token.h"

#include <gtest/gtest.h>

#include "hsm/test_support.h"

namespace hnbsec::hsm {
namespace {

using testing::kTokenLabel;
using testing::SoftHsmTest;

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

using TokenTest = SoftHsmTest;

TEST_F(TokenTest, InitNewTokenIsListedByLabel) {
    auto labels = Token::labels(*module_);
    ASSERT_TRUE(labels.ok());
    EXPECT_EQ(*labels, std::vector<std::string>{kTokenLabel});
    EXPECT_EQ(token_->label(), kTokenLabel);
}

TEST_F(TokenTest, InitNewRefusesTakenLabel) {
    auto again = Token::init_new(module_, kTokenLabel, testing::so_pin(), testing::user_pin());
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(contains(again.error().what(), "already exists")) << again.error().what();
}

TEST_F(TokenTest, SecondTokenGetsItsOwnSlot) {
    auto second = Token::init_new(module_, "second", testing::so_pin(), testing::user_pin());
    ASSERT_TRUE(second.ok()) << second.error().message();
    EXPECT_NE(second->slot(), token_->slot());
    auto labels = Token::labels(*module_);
    ASSERT_TRUE(labels.ok());
    EXPECT_EQ(labels->size(), 2u);
}

TEST_F(TokenTest, UnknownLabelListsTokensPresent) {
    auto missing = Token::open(module_, "no-such-token", testing::user_pin());
    ASSERT_FALSE(missing.ok());
    EXPECT_EQ(missing.error().what(), "no token labelled 'no-such-token'; tokens present: 'hnbsec-test'");
}

TEST_F(TokenTest, WrongPinNamesCkrCodeAndSourceButNotPin) {
    token_.reset();  // closing the last session ends the login
    auto wrong = Token::open(module_, kTokenLabel, Pin::from_secret("wrong-9876", "PIN file lab/user.pin"));
    ASSERT_FALSE(wrong.ok());
    const std::string message = wrong.error().message();
    EXPECT_TRUE(contains(message, "C_Login failed: CKR_PIN_INCORRECT")) << message;
    EXPECT_TRUE(contains(message, "the PIN from PIN file lab/user.pin is wrong")) << message;
    EXPECT_FALSE(contains(message, "wrong-9876"));
    EXPECT_FALSE(contains(message, testing::kUserPin));
}

TEST_F(TokenTest, ReopenWithPinFindsGeneratedKey) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    token_.reset();
    auto reopened = Token::open(module_, kTokenLabel, testing::user_pin());
    ASSERT_TRUE(reopened.ok()) << reopened.error().message();
    auto key = reopened->find_key("device");
    ASSERT_TRUE(key.ok()) << key.error().message();
    EXPECT_EQ(key->type, KeyType::kEc);
    EXPECT_EQ(key->id, std::vector<std::uint8_t>{0x01});
    EXPECT_NE(key->public_key, static_cast<CK_OBJECT_HANDLE>(CK_INVALID_HANDLE));
}

TEST_F(TokenTest, Rsa2048KeyIsSensitiveAndNeverExtractable) {
    TokenKey key = generate(KeySpec::rsa(2048), "device", 0x01);
    auto attributes = token_->attributes(key);
    ASSERT_TRUE(attributes.ok()) << attributes.error().message();
    EXPECT_EQ(attributes->type, KeyType::kRsa);
    EXPECT_EQ(attributes->bits, 2048u);
    EXPECT_TRUE(attributes->sensitive);
    EXPECT_FALSE(attributes->extractable);
    EXPECT_TRUE(attributes->always_sensitive);
    EXPECT_TRUE(attributes->never_extractable);
    EXPECT_TRUE(attributes->token);
    EXPECT_TRUE(attributes->private_object);
    EXPECT_TRUE(attributes->local);
    EXPECT_TRUE(attributes->can_sign);
    EXPECT_FALSE(attributes->can_decrypt);
}

TEST_F(TokenTest, EcP256KeyIsSensitiveAndNeverExtractable) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto attributes = token_->attributes(key);
    ASSERT_TRUE(attributes.ok()) << attributes.error().message();
    EXPECT_EQ(attributes->type, KeyType::kEc);
    EXPECT_EQ(attributes->curve, "P-256");
    EXPECT_EQ(attributes->bits, 256u);
    EXPECT_TRUE(attributes->sensitive);
    EXPECT_FALSE(attributes->extractable);
    EXPECT_TRUE(attributes->always_sensitive);
    EXPECT_TRUE(attributes->never_extractable);
}

TEST_F(TokenTest, EcP384AndRsa3072Generate) {
    TokenKey ec = generate(KeySpec::ec(EcCurve::kP384), "ec384", 0x02);
    auto ec_attributes = token_->attributes(ec);
    ASSERT_TRUE(ec_attributes.ok());
    EXPECT_EQ(ec_attributes->curve, "P-384");
    TokenKey rsa = generate(KeySpec::rsa(3072), "rsa3072", 0x03);
    auto rsa_attributes = token_->attributes(rsa);
    ASSERT_TRUE(rsa_attributes.ok());
    EXPECT_EQ(rsa_attributes->bits, 3072u);
}

// The key material itself is unknown, so instead of scanning token files we
// show the token refuses to reveal it: CKR_ATTRIBUTE_SENSITIVE.
TEST_F(TokenTest, PrivateKeyValuesFailWithCkrAttributeSensitive) {
    TokenKey rsa = generate(KeySpec::rsa(2048), "rsa", 0x01);
    for (CK_ATTRIBUTE_TYPE secret : {CKA_PRIVATE_EXPONENT, CKA_PRIME_1, CKA_PRIME_2}) {
        auto value = token_->read_attribute(rsa.private_key, secret);
        ASSERT_FALSE(value.ok());
        EXPECT_TRUE(contains(value.error().what(), "CKR_ATTRIBUTE_SENSITIVE")) << value.error().what();
    }
    TokenKey ec = generate(KeySpec::ec(EcCurve::kP256), "ec", 0x02);
    auto value = token_->read_attribute(ec.private_key, CKA_VALUE);
    ASSERT_FALSE(value.ok());
    EXPECT_EQ(value.error().what(), "C_GetAttributeValue(CKA_VALUE) failed: CKR_ATTRIBUTE_SENSITIVE");
}

TEST_F(TokenTest, DuplicateLabelRefused) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto again = token_->generate_key(KeySpec::ec(EcCurve::kP256), "device", std::vector<std::uint8_t>{0x02});
    ASSERT_FALSE(again.ok());
    EXPECT_EQ(
        again.error().what(),
        "a key labelled 'device' already exists on token 'hnbsec-test'; choose another label or delete the "
        "old key");
}

TEST_F(TokenTest, DuplicateIdRefused) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto again = token_->generate_key(KeySpec::rsa(2048), "other", std::vector<std::uint8_t>{0x01});
    ASSERT_FALSE(again.ok());
    EXPECT_TRUE(contains(again.error().what(), "an object with id %01 already exists"))
        << again.error().what();
}

TEST_F(TokenTest, Rsa1024AllowedForWeakKeyFixtureOddSizesRefused) {
    TokenKey weak = generate(KeySpec::rsa(1024), "weak", 0x09);
    auto attributes = token_->attributes(weak);
    ASSERT_TRUE(attributes.ok());
    EXPECT_EQ(attributes->bits, 1024u);
    auto odd = token_->generate_key(KeySpec::rsa(1000), "odd", std::vector<std::uint8_t>{0x0a});
    ASSERT_FALSE(odd.ok());
    EXPECT_TRUE(contains(odd.error().what(), "1000 bits are not supported"));
}

TEST_F(TokenTest, FindKeyByUriAndUriRoundTrip) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    Pkcs11Uri uri = token_->uri(key);
    EXPECT_EQ(uri.format(), "pkcs11:token=hnbsec-test;object=device;id=%01;type=private");
    auto parsed = Pkcs11Uri::parse(uri.format());
    ASSERT_TRUE(parsed.ok());
    auto found = token_->find_key(*parsed);
    ASSERT_TRUE(found.ok()) << found.error().message();
    EXPECT_EQ(found->private_key, key.private_key);
    EXPECT_EQ(found->public_key, key.public_key);

    Pkcs11Uri by_id;
    by_id.id = {0x01};
    EXPECT_TRUE(token_->find_key(by_id).ok());
}

TEST_F(TokenTest, FindUnknownKeyListsKeysPresent) {
    generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    auto missing = token_->find_key("nope");
    ASSERT_FALSE(missing.ok());
    EXPECT_TRUE(
        contains(missing.error().what(), "keys present: pkcs11:token=hnbsec-test;object=device;id=%01"))
        << missing.error().what();
}

TEST_F(TokenTest, FindKeyRefusesUriOfOtherToken) {
    auto parsed = Pkcs11Uri::parse("pkcs11:token=other;object=device");
    ASSERT_TRUE(parsed.ok());
    auto found = token_->find_key(*parsed);
    ASSERT_FALSE(found.ok());
    EXPECT_TRUE(contains(found.error().what(), "names token 'other'"));
}

TEST_F(TokenTest, PublicKeysAsOpenSsl) {
    TokenKey rsa = generate(KeySpec::rsa(2048), "rsa", 0x01);
    auto rsa_public = token_->public_key(rsa);
    ASSERT_TRUE(rsa_public.ok()) << rsa_public.error().message();
    EXPECT_EQ(EVP_PKEY_get_bits(rsa_public->get()), 2048);
    EXPECT_TRUE(EVP_PKEY_is_a(rsa_public->get(), "RSA"));

    TokenKey ec = generate(KeySpec::ec(EcCurve::kP384), "ec", 0x02);
    auto ec_public = token_->public_key(ec);
    ASSERT_TRUE(ec_public.ok()) << ec_public.error().message();
    char group[64] = {};
    ASSERT_EQ(EVP_PKEY_get_utf8_string_param(ec_public->get(), "group", group, sizeof group, nullptr), 1);
    EXPECT_STREQ(group, "secp384r1");
}

TEST_F(TokenTest, PublicSessionSeesPublicKeysOnly) {
    TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
    token_.reset();  // end the login
    auto public_session = Token::open_public(module_, kTokenLabel);
    ASSERT_TRUE(public_session.ok()) << public_session.error().message();
    auto found = public_session->find_key("device");
    ASSERT_FALSE(found.ok());
    EXPECT_TRUE(contains(found.error().what(), "is it opened with a PIN?")) << found.error().what();
}

TEST_F(TokenTest, KeysListsEveryPrivateKey) {
    generate(KeySpec::ec(EcCurve::kP256), "a", 0x01);
    generate(KeySpec::rsa(2048), "b", 0x02);
    auto keys = token_->keys();
    ASSERT_TRUE(keys.ok());
    EXPECT_EQ(keys->size(), 2u);
}

TEST_F(TokenTest, MissingMechanismIsNamed) {
    // SoftHSM2 2.6.1 has no combined ECDSA-with-hash mechanisms.
    Status status = token_->require_mechanism(CKM_ECDSA_SHA256);
    ASSERT_FALSE(status.ok());
    EXPECT_TRUE(contains(status.error().what(), "CKM_ECDSA_SHA256 not supported by the token 'hnbsec-test'"))
        << status.error().what();
    EXPECT_TRUE(token_->require_mechanism(CKM_ECDSA).ok());
}

}  // namespace
}  // namespace hnbsec::hsm
