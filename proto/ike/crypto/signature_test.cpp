#include "proto/ike/crypto/signature.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::to_hex;

ossl::PkeyPtr generate(const char* type, const char* param = nullptr) {
    EVP_PKEY* key = nullptr;
    if (param == nullptr) {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type);
    } else if (std::string(type) == "RSA") {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type, static_cast<size_t>(2048));
    } else {
        key = EVP_PKEY_Q_keygen(nullptr, nullptr, type, param);
    }
    EXPECT_NE(key, nullptr) << type;
    return ossl::PkeyPtr(key);
}

// One RSA key for the whole suite: RSA key generation is the slow part.
EVP_PKEY* rsa_key() {
    static ossl::PkeyPtr key = generate("RSA", "2048");
    return key.get();
}

// RFC 7427 Appendix A.1.2, A.3.1-A.3.3, and the RSASSA-PSS SHA-256 identifier exactly as
// OpenSSL writes it into a certificate (openssl req -sigopt rsa_padding_mode:pss
// -sigopt rsa_pss_saltlen:32), which is RFC 7427 A.4.3's structure.
TEST(SignatureAlgorithm, AlgorithmIdentifiersMatchRfc7427) {
    EXPECT_EQ(to_hex(algorithm_identifier(kSha256WithRsa).value()), "300d06092a864886f70d01010b0500");
    EXPECT_EQ(to_hex(algorithm_identifier(kSha384WithRsa).value()), "300d06092a864886f70d01010c0500");
    EXPECT_EQ(to_hex(algorithm_identifier(kSha512WithRsa).value()), "300d06092a864886f70d01010d0500");
    EXPECT_EQ(to_hex(algorithm_identifier(kEcdsaSha256).value()), "300a06082a8648ce3d040302");
    EXPECT_EQ(to_hex(algorithm_identifier(kEcdsaSha384).value()), "300a06082a8648ce3d040303");
    EXPECT_EQ(to_hex(algorithm_identifier(kEcdsaSha512).value()), "300a06082a8648ce3d040304");
    EXPECT_EQ(to_hex(algorithm_identifier(kEd25519).value()), "300506032b6570");
    EXPECT_EQ(to_hex(algorithm_identifier(kRsaPssSha256).value()),
              "304106092a864886f70d01010a3034a00f300d06096086480165030402010500a11c301a06092a864886f70d0101"
              "08300d06096086480165030402010500a203020120");
}

TEST(SignatureAlgorithm, ParserMapsBlobsBack) {
    for (const SignatureAlgorithm& a :
         {kSha256WithRsa, kSha384WithRsa, kSha512WithRsa, kRsaPssSha256, kRsaPssSha384, kRsaPssSha512,
          kEcdsaSha256, kEcdsaSha384, kEcdsaSha512, kEd25519}) {
        auto der = algorithm_identifier(a);
        ASSERT_TRUE(der.ok()) << to_string(a);
        auto back = parse_algorithm_identifier(*der);
        ASSERT_TRUE(back.ok()) << to_string(a) << ": " << back.error().message();
        EXPECT_EQ(*back, a) << to_string(a);
    }
}

TEST(SignatureAlgorithm, ParserAcceptsEncodingVariants) {
    // sha256WithRSAEncryption with absent (rather than NULL) parameters.
    EXPECT_EQ(parse_algorithm_identifier(hex("300b06092a864886f70d01010b")).value(), kSha256WithRsa);
    // RSASSA-PSS SHA-256 whose hash AlgorithmIdentifiers omit NULL.
    auto pss =
        parse_algorithm_identifier(hex("303d06092a864886f70d01010a3030a00d300b0609608648016503040201"
                                       "a11a301806092a864886f70d010108300b0609608648016503040201"
                                       "a203020120"));
    ASSERT_TRUE(pss.ok()) << pss.error().message();
    EXPECT_EQ(*pss, kRsaPssSha256);
}

TEST(SignatureAlgorithm, ParserNamesWhatItRefuses) {
    auto md5 = parse_algorithm_identifier(hex("300d06092a864886f70d0101040500"));  // md5WithRSAEncryption
    ASSERT_FALSE(md5.ok());
    EXPECT_NE(md5.error().what().find("unsupported signature algorithm"), std::string::npos)
        << md5.error().what();
    auto bare_pss = parse_algorithm_identifier(hex("300b06092a864886f70d01010a"));  // RFC 7427 A.4.1
    ASSERT_FALSE(bare_pss.ok());
    EXPECT_NE(bare_pss.error().what().find("RSASSA-PSS-params"), std::string::npos)
        << bare_pss.error().what();
    EXPECT_FALSE(parse_algorithm_identifier(hex("300d06092a864886f70d01010b05")).ok());      // truncated
    EXPECT_FALSE(parse_algorithm_identifier(hex("300d06092a864886f70d01010b050000")).ok());  // trailing octet
    EXPECT_FALSE(parse_algorithm_identifier(hex("300c06082a8648ce3d0403020500")).ok());      // ECDSA + NULL
}

TEST(SignatureAlgorithm, AuthDataLayout) {
    const Octets signature = hex("deadbeef");
    auto data = digital_signature_auth_data(kEcdsaSha256, signature);
    ASSERT_TRUE(data.ok());
    EXPECT_EQ(to_hex(*data), "0c300a06082a8648ce3d040302deadbeef");
    auto parsed = parse_digital_signature_auth_data(*data);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->algorithm, kEcdsaSha256);
    EXPECT_EQ(parsed->signature, signature);
    EXPECT_FALSE(parse_digital_signature_auth_data(hex("20300a06082a8648ce3d040302")).ok());
    EXPECT_FALSE(parse_digital_signature_auth_data(hex("0c300a06082a8648ce3d040302")).ok());  // no signature
}

TEST(Signature, EveryAlgorithmSignsAndVerifies) {
    const Octets data = ascii("InitiatorSignedOctets stand-in");
    struct Case {
        SignatureAlgorithm algorithm;
        EVP_PKEY* key;
    };
    auto p256 = generate("EC", "P-256");
    auto p384 = generate("EC", "P-384");
    auto p521 = generate("EC", "P-521");
    auto ed = generate("ED25519");
    for (const Case& c :
         {Case{kSha256WithRsa, rsa_key()}, Case{kSha384WithRsa, rsa_key()}, Case{kSha512WithRsa, rsa_key()},
          Case{kRsaPssSha256, rsa_key()}, Case{kRsaPssSha384, rsa_key()}, Case{kRsaPssSha512, rsa_key()},
          Case{kEcdsaSha256, p256.get()}, Case{kEcdsaSha384, p384.get()}, Case{kEcdsaSha512, p521.get()},
          Case{kEd25519, ed.get()}}) {
        SCOPED_TRACE(to_string(c.algorithm));
        auto auth = sign_digital_signature_auth_data(c.key, c.algorithm, data);
        ASSERT_TRUE(auth.ok()) << auth.error().message();
        auto used = verify_auth_data(AuthMethod::kDigitalSignature, c.key, data, *auth);
        ASSERT_TRUE(used.ok()) << used.error().message();
        EXPECT_EQ(*used, c.algorithm);
        Octets other = data;
        other[0] ^= 1;
        EXPECT_FALSE(verify_auth_data(AuthMethod::kDigitalSignature, c.key, other, *auth).ok());
    }
}

// Methods 9-11 carry raw r | s (RFC 4754 §7); method 14 carries DER.
TEST(Signature, EcdsaMethodsUseRawRs) {
    const Octets data = ascii("signed octets");
    struct Case {
        AuthMethod method;
        const char* curve;
        std::size_t half;
    };
    for (const Case& c :
         {Case{AuthMethod::kEcdsaSha256P256, "P-256", 32}, Case{AuthMethod::kEcdsaSha384P384, "P-384", 48},
          Case{AuthMethod::kEcdsaSha512P521, "P-521", 66}}) {
        SCOPED_TRACE(c.curve);
        auto key = generate("EC", c.curve);
        auto auth = sign_auth_data(c.method, key.get(), data);
        ASSERT_TRUE(auth.ok()) << auth.error().message();
        EXPECT_EQ(auth->size(), 2 * c.half);
        EXPECT_TRUE(verify_auth_data(c.method, key.get(), data, *auth).ok());
        // The same raw signature in a method 14 envelope is refused, with a hint.
        const SignatureAlgorithm alg = c.half == 32   ? kEcdsaSha256
                                       : c.half == 48 ? kEcdsaSha384
                                                      : kEcdsaSha512;
        auto wrapped = digital_signature_auth_data(alg, *auth).value();
        auto r = verify_auth_data(AuthMethod::kDigitalSignature, key.get(), data, wrapped);
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().what().find("raw r | s"), std::string::npos) << r.error().what();
    }
    auto p384 = generate("EC", "P-384");
    auto wrong_curve = sign_auth_data(AuthMethod::kEcdsaSha256P256, p384.get(), data);
    ASSERT_FALSE(wrong_curve.ok());
    EXPECT_NE(wrong_curve.error().what().find("256-bit curve"), std::string::npos)
        << wrong_curve.error().what();
}

TEST(Signature, RsaMethod1IsPkcs1WithSha1) {
    const Octets data = ascii("signed octets");
    auto auth = sign_auth_data(AuthMethod::kRsaSignature, rsa_key(), data);
    ASSERT_TRUE(auth.ok()) << auth.error().message();
    EXPECT_EQ(auth->size(), 256u);
    auto used = verify_auth_data(AuthMethod::kRsaSignature, rsa_key(), data, *auth);
    ASSERT_TRUE(used.ok()) << used.error().message();
    EXPECT_EQ(used->hash, SignatureHash::kSha1);
    // The same key type check guards every method.
    auto ec = generate("EC", "P-256");
    auto r = sign_auth_data(AuthMethod::kRsaSignature, ec.get(), data);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("needs an RSA key"), std::string::npos) << r.error().what();
    EXPECT_FALSE(sign_auth_data(AuthMethod::kSharedKeyMic, rsa_key(), data).ok());
}

TEST(Signature, EcdsaEncodingsConvert) {
    Octets raw(64, 0);
    raw[31] = 0x05;
    raw[32] = 0x80;
    raw[63] = 0x01;
    auto der = ecdsa_raw_to_der(raw);
    ASSERT_TRUE(der.ok());
    EXPECT_EQ(to_hex(*der),
              "3026020105022100"
              "80" +
                  std::string(60, '0') + "01");
    auto back = ecdsa_der_to_raw(*der, 32);
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, raw);
    EXPECT_FALSE(ecdsa_der_to_raw(*der, 16).ok());
    EXPECT_FALSE(ecdsa_der_to_raw(hex("3003020101"), 32).ok());
    EXPECT_FALSE(ecdsa_raw_to_der(hex("010203")).ok());
}

}  // namespace
}  // namespace hnbsec::ike
