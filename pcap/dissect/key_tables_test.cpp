#include "pcap/dissect/key_tables.h"

#include <gtest/gtest.h>

#include "pcap/keys/wireshark_uat.h"

namespace hnbsec::pcap {
namespace {

TEST(KeyTables, IkeTableWrittenByOurExporterParsesBack) {
    IkeSaSecrets sa;
    sa.spi_i = {1, 2, 3, 4, 5, 6, 7, 8};
    sa.spi_r = {9, 10, 11, 12, 13, 14, 15, 16};
    sa.sk_ei = Octets(16, 0xe1);
    sa.sk_er = Octets(16, 0xe2);
    sa.sk_ai = Octets(32, 0xa1);
    sa.sk_ar = Octets(32, 0xa2);
    const std::string text = "# comment\n\n" + ikev2_decryption_table({sa}).value();
    auto keys = parse_ikev2_decryption_table(text);
    ASSERT_TRUE(keys.ok()) << keys.error().message();
    ASSERT_EQ(keys->size(), 1U);
    const auto& k = keys->front();
    EXPECT_EQ(k.spi_i, 0x0102030405060708ULL);
    EXPECT_EQ(k.spi_r, 0x090a0b0c0d0e0f10ULL);
    EXPECT_EQ(k.suite.encr, ike::EncrId::kAesCbc);
    EXPECT_EQ(k.suite.encr_key_bits, 128);
    EXPECT_EQ(k.suite.integ, ike::IntegId::kHmacSha2_256_128);
    EXPECT_EQ(k.keys.sk_ei, sa.sk_ei);
    EXPECT_EQ(k.keys.sk_ar, sa.sk_ar);
}

TEST(KeyTables, AeadIkeRow) {
    IkeSaSecrets sa;
    sa.encr = ike::EncrId::kAesGcm16;
    sa.encr_key_bits = 256;
    sa.sk_ei = Octets(36, 1);
    sa.sk_er = Octets(36, 2);
    auto keys = parse_ikev2_decryption_table(ikev2_decryption_table({sa}).value());
    ASSERT_TRUE(keys.ok()) << keys.error().message();
    EXPECT_EQ(keys->front().suite.encr, ike::EncrId::kAesGcm16);
    EXPECT_EQ(keys->front().suite.encr_key_bits, 256);
    EXPECT_EQ(keys->front().suite.integ, ike::IntegId::kNone);
}

TEST(KeyTables, EspTableParsesBack) {
    EspSaSecrets sa;
    sa.source = "192.168.77.2";
    sa.destination = "192.168.77.1";
    sa.spi = 0xfe650dcf;
    sa.encryption_key = Octets(16, 0x33);
    sa.integrity_key = Octets(32, 0x44);
    auto rows = parse_esp_sa_table(esp_sa_table({sa}).value());
    ASSERT_TRUE(rows.ok()) << rows.error().message();
    ASSERT_EQ(rows->size(), 1U);
    EXPECT_EQ(rows->front().spi, 0xfe650dcfU);
    EXPECT_EQ(rows->front().source, "192.168.77.2");
    EXPECT_EQ(rows->front().encr, ike::EncrId::kAesCbc);
    EXPECT_EQ(rows->front().encr_key_bits, 128);
    EXPECT_EQ(rows->front().integ, ike::IntegId::kHmacSha2_256_128);
    EXPECT_EQ(rows->front().integrity_key, sa.integrity_key);
}

TEST(KeyTables, ErrorsNameLineAndField) {
    auto bad =
        parse_ikev2_decryption_table("\n0102,0304,aa,bb,\"AES-CBC-128 [RFC3602]\",,,\"NONE [RFC4306]\"\n");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().message(), "ikev2_decryption_table line 2: Initiator's SPI: 2 octets, expected 8");
    auto esp = parse_esp_sa_table("\"IPv4\",\"a\",\"b\"\n");
    ASSERT_FALSE(esp.ok());
    EXPECT_EQ(esp.error().message(), "esp_sa line 1: 3 fields, expected 8");
    EXPECT_FALSE(load_decryption_keys("/nonexistent-hnbsec-dir").ok());
}

}  // namespace
}  // namespace hnbsec::pcap
