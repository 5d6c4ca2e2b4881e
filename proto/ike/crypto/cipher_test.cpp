#include "proto/ike/crypto/cipher.h"

#include <gtest/gtest.h>

#include "proto/ike/crypto/test_hex.h"

namespace hnbsec::ike {
namespace {

using testing::ascii;
using testing::hex;
using testing::to_hex;

struct CbcCase {
    const char* name;
    const char* key;
    const char* iv;
    Octets plaintext;
    const char* ciphertext;
};

// RFC 3602 §4, cases #1-#4 (AES-128-CBC).
TEST(Cipher, AesCbcMatchesRfc3602) {
    Octets p2;
    for (int i = 0; i < 32; ++i) p2.push_back(static_cast<std::uint8_t>(i));
    Octets p4;
    for (int i = 0xa0; i < 0xe0; ++i) p4.push_back(static_cast<std::uint8_t>(i));
    const std::vector<CbcCase> cases = {
        {"#1", "06a9214036b8a15b512e03d534120006", "3dafba429d9eb430b422da802c9fac41",
         ascii("Single block msg"), "e353779c1079aeb82708942dbe77181a"},
        {"#2", "c286696d887c9aa0611bbb3e2025a45a", "562e17996d093d28ddb3ba695a2e6f58", p2,
         "d296cd94c2cccf8a3a863028b5e1dc0a7586602d253cfff91b8266bea6d61ab1"},
        {"#3", "6c3ea0477630ce21a2ce334aa746c2cd", "c782dc4c098c66cbd9cd27d825682c81",
         ascii("This is a 48-byte message (exactly 3 AES blocks)"),
         "d0a02b3836451753d493665d33f0e8862dea54cdb293abc7506939276772f8d5"
         "021c19216bad525c8579695d83ba2684"},
        {"#4", "56e47a38c5598974bc46903dba290349", "8ce82eefbea0da3c44699ed7db51b7d9", p4,
         "c30e32ffedc0774e6aff6af0869f71aa0f3af07a9a31a9c684db207eb0ef8e4e"
         "35907aa632c3ffdf868bb7b29d3d46ad83ce9f9a102ee99d49a53e87f4c3da55"},
    };
    for (const auto& c : cases) {
        auto ct = cbc_encrypt(EncrId::kAesCbc, hex(c.key), hex(c.iv), c.plaintext);
        ASSERT_TRUE(ct.ok()) << c.name << ": " << ct.error().message();
        EXPECT_EQ(to_hex(*ct), c.ciphertext) << "RFC 3602 case " << c.name;
        auto pt = cbc_decrypt(EncrId::kAesCbc, hex(c.key), hex(c.iv), *ct);
        ASSERT_TRUE(pt.ok()) << c.name << ": " << pt.error().message();
        EXPECT_EQ(*pt, c.plaintext) << "RFC 3602 case " << c.name;
    }
}

TEST(Cipher, CbcRefusesUnalignedInputAndBadSizes) {
    const Octets key(16, 1);
    const Octets iv(16, 2);
    auto r = cbc_encrypt(EncrId::kAesCbc, key, iv, Octets(17, 0));
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().what().find("not a multiple"), std::string::npos) << r.error().what();
    EXPECT_FALSE(cbc_encrypt(EncrId::kAesCbc, Octets(15, 1), iv, Octets(16, 0)).ok());
    EXPECT_FALSE(cbc_encrypt(EncrId::kAesCbc, key, Octets(8, 0), Octets(16, 0)).ok());
    EXPECT_FALSE(cbc_decrypt(EncrId::kAesGcm16, key, iv, Octets(16, 0)).ok());
}

TEST(Cipher, CbcWorksFor192And256BitKeysAnd3Des) {
    for (std::size_t key_size : {24u, 32u}) {
        const Octets key(key_size, 0x5a);
        const Octets iv(16, 0xa5);
        const Octets plain(64, 0x33);
        auto ct = cbc_encrypt(EncrId::kAesCbc, key, iv, plain);
        ASSERT_TRUE(ct.ok()) << ct.error().message();
        EXPECT_NE(*ct, plain);
        EXPECT_EQ(cbc_decrypt(EncrId::kAesCbc, key, iv, *ct).value(), plain);
    }
    const Octets key3(24, 0x17);
    const Octets iv3(8, 0x71);
    auto ct = cbc_encrypt(EncrId::k3Des, key3, iv3, Octets(24, 0x44));
    ASSERT_TRUE(ct.ok()) << ct.error().message();
    EXPECT_EQ(cbc_decrypt(EncrId::k3Des, key3, iv3, *ct).value(), Octets(24, 0x44));
}

struct GcmCase {
    const char* name;
    const char* key;
    const char* iv;  // 96 bits: the first 4 octets play the salt, the last 8 the explicit IV
    const char* plaintext;
    const char* aad;
    const char* ciphertext;
    const char* tag;
};

constexpr const char* kGcmKey = "feffe9928665731c6d6a8f9467308308";
constexpr const char* kGcmKey256 = "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308";
constexpr const char* kGcmP64 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255";
constexpr const char* kGcmP60 =
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
constexpr const char* kGcmAad = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

// McGrew & Viega, "The Galois/Counter Mode of Operation (GCM)", test cases 2-4 (AES-128)
// and 14-16 (AES-256): the 96-bit IV split as RFC 4106 does, salt | explicit IV.
TEST(Cipher, AesGcm16MatchesGcmSpecTestCases) {
    const std::vector<GcmCase> cases = {
        {"2", "00000000000000000000000000000000", "000000000000000000000000",
         "00000000000000000000000000000000", "", "0388dace60b6a392f328c2b971b2fe78",
         "ab6e47d42cec13bdf53a67b21257bddf"},
        {"3", kGcmKey, "cafebabefacedbaddecaf888", kGcmP64, "",
         "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
         "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091473f5985",
         "4d5c2af327cd64a62cf35abd2ba6fab4"},
        {"4", kGcmKey, "cafebabefacedbaddecaf888", kGcmP60, kGcmAad,
         "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
         "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091",
         "5bc94fbc3221a5db94fae95ae7121a47"},
        {"14", "0000000000000000000000000000000000000000000000000000000000000000", "000000000000000000000000",
         "00000000000000000000000000000000", "", "cea7403d4d606b6e074ec5d3baf39d18",
         "d0d1c8a799996bf0265b98b5d48ab919"},
        {"15", kGcmKey256, "cafebabefacedbaddecaf888", kGcmP64, "",
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
         "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad",
         "b094dac5d93471bdec1a502270e3cc6c"},
        {"16", kGcmKey256, "cafebabefacedbaddecaf888", kGcmP60, kGcmAad,
         "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
         "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662",
         "76fc6ece0f4e1768cddf8853bb2d551b"},
    };
    for (const auto& c : cases) {
        const Octets iv96 = hex(c.iv);
        const Octets keymat = concat({hex(c.key), OctetSpan(iv96).first(4)});
        const OctetSpan iv = OctetSpan(iv96).subspan(4);
        auto sealed = aead_encrypt(EncrId::kAesGcm16, keymat, iv, hex(c.aad), hex(c.plaintext));
        ASSERT_TRUE(sealed.ok()) << "case " << c.name << ": " << sealed.error().message();
        EXPECT_EQ(to_hex(*sealed), std::string(c.ciphertext) + c.tag) << "GCM test case " << c.name;
        auto opened = aead_decrypt(EncrId::kAesGcm16, keymat, iv, hex(c.aad), *sealed);
        ASSERT_TRUE(opened.ok()) << "case " << c.name << ": " << opened.error().message();
        EXPECT_EQ(to_hex(*opened), c.plaintext) << "GCM test case " << c.name;
    }
}

TEST(Cipher, AesGcmTagMismatchIsReportedClearly) {
    const Octets keymat = concat({hex(kGcmKey), hex("cafebabe")});
    const Octets iv = hex("facedbaddecaf888");
    Octets sealed = aead_encrypt(EncrId::kAesGcm16, keymat, iv, hex(kGcmAad), hex(kGcmP60)).value();
    for (std::size_t where : {std::size_t{0}, sealed.size() - 1}) {
        Octets bad = sealed;
        bad[where] ^= 0x80;
        auto r = aead_decrypt(EncrId::kAesGcm16, keymat, iv, hex(kGcmAad), bad);
        ASSERT_FALSE(r.ok());
        EXPECT_NE(r.error().what().find("ICV mismatch"), std::string::npos) << r.error().what();
    }
    Octets aad = hex(kGcmAad);
    aad[0] ^= 1;
    EXPECT_FALSE(aead_decrypt(EncrId::kAesGcm16, keymat, iv, aad, sealed).ok());
    EXPECT_FALSE(aead_decrypt(EncrId::kAesGcm16, keymat, iv, hex(kGcmAad), OctetSpan(sealed).first(10)).ok());
}

// The 8- and 12-octet ICV variants carry the first octets of the full GCM tag (RFC 4106 §5).
TEST(Cipher, AesGcmShortIcvsAreTruncatedTags) {
    const Octets keymat = concat({hex(kGcmKey), hex("cafebabe")});
    const Octets iv = hex("facedbaddecaf888");
    auto g8 = aead_encrypt(EncrId::kAesGcm8, keymat, iv, hex(kGcmAad), hex(kGcmP60));
    auto g12 = aead_encrypt(EncrId::kAesGcm12, keymat, iv, hex(kGcmAad), hex(kGcmP60));
    ASSERT_TRUE(g8.ok() && g12.ok());
    EXPECT_EQ(to_hex(OctetSpan(*g8).subspan(60)), "5bc94fbc3221a5db");
    EXPECT_EQ(to_hex(OctetSpan(*g12).subspan(60)), "5bc94fbc3221a5db94fae95a");
    EXPECT_TRUE(aead_decrypt(EncrId::kAesGcm8, keymat, iv, hex(kGcmAad), *g8).ok());
    EXPECT_TRUE(aead_decrypt(EncrId::kAesGcm12, keymat, iv, hex(kGcmAad), *g12).ok());
}

// RFC 7539 §2.8.2: the 96-bit nonce 07000000 | 4041424344454647 is salt | IV (RFC 7634 §2).
TEST(Cipher, Chacha20Poly1305MatchesRfc7539) {
    Octets key;
    for (int i = 0x80; i < 0xa0; ++i) key.push_back(static_cast<std::uint8_t>(i));
    const Octets keymat = concat({key, hex("07000000")});
    const Octets iv = hex("4041424344454647");
    const Octets aad = hex("50515253c0c1c2c3c4c5c6c7");
    const Octets plain = ascii(
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
        "sunscreen "
        "would be it.");
    auto sealed = aead_encrypt(EncrId::kChacha20Poly1305, keymat, iv, aad, plain);
    ASSERT_TRUE(sealed.ok()) << sealed.error().message();
    EXPECT_EQ(to_hex(*sealed),
              "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d6"
              "3dbea45e8ca9671282fafb69da92728b1a71de0a9e060b2905d6a5b67ecd3b36"
              "92ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc"
              "3ff4def08e4b7a9de576d26586cec64b6116"
              "1ae10b594f09e26a7e902ecbd0600691");
    EXPECT_EQ(aead_decrypt(EncrId::kChacha20Poly1305, keymat, iv, aad, *sealed).value(), plain);
}

TEST(Cipher, FactsFollowTheRfcs) {
    auto gcm = encr_facts(EncrId::kAesGcm16, 256).value();
    EXPECT_EQ(gcm.key_size, 32u);
    EXPECT_EQ(gcm.salt_size, 4u);
    EXPECT_EQ(gcm.keymat_size(), 36u);
    EXPECT_EQ(gcm.iv_size, 8u);
    EXPECT_EQ(gcm.icv_size, 16u);
    EXPECT_TRUE(gcm.aead);
    auto cbc = encr_facts(EncrId::kAesCbc, 128).value();
    EXPECT_EQ(cbc.keymat_size(), 16u);
    EXPECT_EQ(cbc.iv_size, 16u);
    EXPECT_EQ(cbc.block_size, 16u);
    EXPECT_FALSE(cbc.aead);
    EXPECT_FALSE(encr_facts(EncrId::kAesCbc, 0).ok());
    EXPECT_FALSE(encr_facts(EncrId::kAesCbc, 100).ok());
    EXPECT_FALSE(encr_facts(EncrId::kAesCtr, 128).ok());
    EXPECT_FALSE(encr_facts(EncrId::kChacha20Poly1305, 128).ok());
    EXPECT_EQ(encr_facts(EncrId::kChacha20Poly1305, 0).value().keymat_size(), 36u);
}

TEST(Cipher, RandomOctetsDiffer) {
    auto a = random_octets(16).value();
    auto b = random_octets(16).value();
    EXPECT_EQ(a.size(), 16u);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace hnbsec::ike
