#include "proto/ntp/mac.h"

#include <gtest/gtest.h>

#include "proto/wire/hex.h"

namespace hnbsec::ntp {
namespace {

Bytes hex(std::string_view text) {
    return wire::from_hex(text).value();
}

constexpr std::string_view kHeader =
    "23060aec00010000000080004c4f434ce5b6f1c08000000000000000000000000000000000000000eb0c4f2140000000";

SymmetricKey key(std::uint32_t id, MacAlgorithm algorithm, std::string_view secret) {
    return SymmetricKey{id, algorithm, Bytes(secret.begin(), secret.end())};
}

// Expected digests from Python's hashlib over "crocus" || header (independent of OpenSSL).
TEST(NtpMac, KeyedHashesMatchKnownDigests) {
    const Bytes header = hex(kHeader);
    EXPECT_EQ(wire::to_hex(compute_mac_digest(key(1, MacAlgorithm::kMd5, "crocus"), header, 20).value()),
              "9858769b57cdfccf9dac10402cf54c35");
    EXPECT_EQ(wire::to_hex(compute_mac_digest(key(1, MacAlgorithm::kSha1, "crocus"), header, 20).value()),
              "e17aa01b85e1762dd5982197b29ceef9d584e0df");
    // SHA256 truncated to 20 octets for NTPv4 (RFC 7822 §7.5).
    EXPECT_EQ(wire::to_hex(compute_mac_digest(key(1, MacAlgorithm::kSha256, "crocus"), header, 20).value()),
              "0ac266bd3d84bf66b0cc869c2eaf31764eb5e45c");
}

// RFC 4493 §4, Example 2 (AES-128, 16-octet message).
TEST(NtpMac, Aes128CmacMatchesRfc4493) {
    const SymmetricKey cmac{7, MacAlgorithm::kAes128Cmac, hex("2b7e151628aed2a6abf7158809cf4f3c")};
    EXPECT_EQ(wire::to_hex(compute_mac_digest(cmac, hex("6bc1bee22e409f96e93d7e117393172a"), 20).value()),
              "070a16b46b4d4144f79bdd9dd04a287c");
}

TEST(NtpMac, SignThenVerify) {
    Packet packet = decode_packet(hex(kHeader)).value();
    const auto right = key(25, MacAlgorithm::kSha1, "crocus");
    ASSERT_TRUE(sign_packet(packet, right).ok());
    ASSERT_TRUE(packet.mac.has_value());
    EXPECT_EQ(packet.mac->key_id, 25U);
    EXPECT_EQ(wire::to_hex(packet.mac->digest), "e17aa01b85e1762dd5982197b29ceef9d584e0df");
    EXPECT_TRUE(verify_packet_mac(packet, right));
    EXPECT_FALSE(verify_packet_mac(packet, key(25, MacAlgorithm::kSha1, "tulip")));
    EXPECT_FALSE(verify_packet_mac(packet, key(26, MacAlgorithm::kSha1, "crocus")));
    // Survives a trip over the wire.
    auto decoded = decode_packet(encode_packet(packet).value()).value();
    EXPECT_TRUE(verify_packet_mac(decoded, right));
    decoded.transmit.fraction ^= 1;
    EXPECT_FALSE(verify_packet_mac(decoded, right));
}

TEST(NtpMac, ParsesChronyKeyFile) {
    auto keys = parse_chrony_keys(
        "# lab keys\n"
        "10 tulip\n"
        "20 MD5 ASCII:crocus\n"
        "25 SHA1 HEX:933F62BE1D604E68A81B557F18CFA200483F5B70\n"
        "\n"
        "30 AES128 HEX:7EA62AE64D190114D46D5A082F948EC1\n");
    ASSERT_TRUE(keys.ok()) << keys.error().message();
    ASSERT_EQ(keys->size(), 4U);
    EXPECT_EQ((*keys)[0].id, 10U);
    EXPECT_EQ((*keys)[0].algorithm, MacAlgorithm::kMd5);
    EXPECT_EQ((*keys)[0].secret, Bytes({'t', 'u', 'l', 'i', 'p'}));
    EXPECT_EQ((*keys)[1].secret, Bytes({'c', 'r', 'o', 'c', 'u', 's'}));
    EXPECT_EQ((*keys)[2].algorithm, MacAlgorithm::kSha1);
    EXPECT_EQ((*keys)[2].secret.size(), 20U);
    EXPECT_EQ((*keys)[3].algorithm, MacAlgorithm::kAes128Cmac);
}

TEST(NtpMac, KeyFileErrorsNameTheLineNotTheKey) {
    auto bad_type = parse_chrony_keys("1 WHIRLPOOL HEX:00\n");
    ASSERT_FALSE(bad_type.ok());
    EXPECT_NE(bad_type.error().what().find("line 1"), std::string::npos);
    auto short_aes = parse_chrony_keys("\n2 AES128 HEX:00112233\n");
    ASSERT_FALSE(short_aes.ok());
    EXPECT_NE(short_aes.error().what().find("line 2"), std::string::npos);
    EXPECT_EQ(short_aes.error().what().find("00112233"), std::string::npos);
    EXPECT_FALSE(parse_chrony_keys("0 MD5 ASCII:x\n").ok());
    EXPECT_FALSE(parse_chrony_keys("x MD5 ASCII:x\n").ok());
}

}  // namespace
}  // namespace hnbsec::ntp
