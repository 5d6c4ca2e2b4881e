#include "proto/ntp/packet.h"

#include <gtest/gtest.h>

#include "proto/ntp/kiss_of_death.h"
#include "proto/wire/hex.h"

namespace hnbsec::ntp {
namespace {

Bytes hex(std::string_view text) {
    return wire::from_hex(text).value();
}

// LI 0, VN 4, mode 3; stratum 6, poll 10, precision -20; root delay 1 s, root
// dispersion 0.5 s, refid "LOCL"; reference 0xe5b6f1c0.8, transmit 0xeb0c4f21.25.
constexpr std::string_view kHeader =
    "23060aec 00010000 00008000 4c4f434c e5b6f1c0 80000000 00000000 00000000"
    "00000000 00000000 eb0c4f21 40000000";

TEST(NtpPacket, DecodesKnownHeader) {
    auto packet = decode_packet(hex(kHeader));
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    EXPECT_EQ(packet->leap, Leap::kNoWarning);
    EXPECT_EQ(packet->version, 4);
    EXPECT_EQ(packet->mode, Mode::kClient);
    EXPECT_EQ(packet->stratum, 6);
    EXPECT_EQ(packet->poll, 10);
    EXPECT_EQ(packet->precision, -20);
    EXPECT_EQ(from_ntp_short(packet->root_delay), std::chrono::seconds(1));
    EXPECT_EQ(from_ntp_short(packet->root_dispersion), std::chrono::milliseconds(500));
    EXPECT_EQ(reference_id_text(packet->reference_id), "LOCL");
    EXPECT_EQ(packet->reference, (Timestamp{0xe5b6f1c0, 0x80000000}));
    EXPECT_TRUE(packet->origin.is_zero());
    EXPECT_EQ(packet->transmit, (Timestamp{0xeb0c4f21, 0x40000000}));
    EXPECT_TRUE(packet->extensions.empty());
    EXPECT_FALSE(packet->mac.has_value());
    EXPECT_EQ(encode_packet(*packet).value(), hex(kHeader));
}

TEST(NtpPacket, DecodesMacAndCryptoNak) {
    auto with_mac = decode_packet(hex(std::string(kHeader) + "0000000a 9858769b57cdfccf9dac10402cf54c35"));
    ASSERT_TRUE(with_mac.ok()) << with_mac.error().message();
    ASSERT_TRUE(with_mac->mac.has_value());
    EXPECT_EQ(with_mac->mac->key_id, 10U);
    EXPECT_EQ(with_mac->mac->digest.size(), 16U);
    EXPECT_FALSE(with_mac->mac->is_crypto_nak());

    auto nak = decode_packet(hex(std::string(kHeader) + "00000000"));
    ASSERT_TRUE(nak.ok()) << nak.error().message();
    ASSERT_TRUE(nak->mac.has_value());
    EXPECT_TRUE(nak->mac->is_crypto_nak());
    EXPECT_EQ(encode_packet(*nak).value(), hex(std::string(kHeader) + "00000000"));
}

TEST(NtpPacket, ExtensionFieldsAreRecordedAndReencoded) {
    // An NTS Unique Identifier (type 0x0104) of 32 octets, then a 20-octet SHA1 MAC.
    const std::string bytes = std::string(kHeader) + "01040024" + std::string(64, 'a') +
                              "00000019 e17aa01b85e1762dd5982197b29ceef9d584e0df";
    auto packet = decode_packet(hex(bytes));
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    ASSERT_EQ(packet->extensions.size(), 1U);
    EXPECT_EQ(packet->extensions[0].type, 0x0104);
    EXPECT_EQ(packet->extensions[0].value.size(), 32U);
    ASSERT_TRUE(packet->mac.has_value());
    EXPECT_EQ(packet->mac->key_id, 25U);
    EXPECT_EQ(encode_packet(*packet).value(), hex(bytes));
    EXPECT_EQ(encode_authenticated_part(*packet).value().size(), 48U + 36U);
}

TEST(NtpPacket, RejectsWithPreciseErrors) {
    auto short_packet = decode_packet(hex("2300"));
    ASSERT_FALSE(short_packet.ok());
    EXPECT_NE(short_packet.error().what().find("shorter than the 48-octet header"), std::string::npos);

    Bytes v5 = hex(kHeader);
    v5[0] = 0x2b;  // VN 5
    auto version = decode_packet(v5);
    ASSERT_FALSE(version.ok());
    EXPECT_NE(version.error().what().find("Version Number 5"), std::string::npos);

    Bytes mode0 = hex(kHeader);
    mode0[0] = 0x20;
    auto mode = decode_packet(mode0);
    ASSERT_FALSE(mode.ok());
    EXPECT_NE(mode.error().what().find("Mode 0 is reserved"), std::string::npos);

    auto odd_trailer = decode_packet(hex(std::string(kHeader) + "0000000a0000"));
    ASSERT_FALSE(odd_trailer.ok());
    EXPECT_NE(odd_trailer.error().what().find("extension field at offset 48 has Length 10"),
              std::string::npos);

    // Extension field claiming 0x40 octets with only 28 present.
    auto overrun = decode_packet(hex(std::string(kHeader) + "01040040" + std::string(48, '0')));
    ASSERT_FALSE(overrun.ok());
    EXPECT_NE(overrun.error().what().find("Extension Field Value"), std::string::npos);

    auto bad_length = decode_packet(hex(std::string(kHeader) + "0104000e" + std::string(48, '0')));
    ASSERT_FALSE(bad_length.ok());
    EXPECT_NE(bad_length.error().what().find("Length 14"), std::string::npos);
}

TEST(NtpPacket, Version3TrailerIsAlwaysAMac) {
    Bytes v3 = hex(std::string(kHeader) + "00000001" + std::string(64, 'b'));  // 32-octet digest
    v3[0] = 0x1b;                                                              // VN 3, client
    auto packet = decode_packet(v3);
    ASSERT_TRUE(packet.ok()) << packet.error().message();
    EXPECT_TRUE(packet->extensions.empty());
    ASSERT_TRUE(packet->mac.has_value());
    EXPECT_EQ(packet->mac->digest.size(), 32U);
}

TEST(NtpPacket, EncodeRefusesWhatTheWireCannotCarry) {
    Packet packet;
    packet.extensions.push_back({0x0104, Bytes(6)});
    EXPECT_FALSE(encode_packet(packet).ok());
    packet.extensions.clear();
    packet.mac = Mac{1, Bytes(5)};
    EXPECT_FALSE(encode_packet(packet).ok());
    packet.mac.reset();
    packet.version = 8;
    EXPECT_FALSE(encode_packet(packet).ok());
}

TEST(NtpKissOfDeath, BuildsAndRecognisesKod) {
    auto request = decode_packet(hex(kHeader)).value();
    const Packet kod = make_kiss_of_death(request, "RATE", Timestamp{1, 2}, Timestamp{3, 4});
    EXPECT_EQ(kod.stratum, 0);
    EXPECT_EQ(kod.mode, Mode::kServer);
    EXPECT_EQ(kod.leap, Leap::kUnsynchronised);
    EXPECT_EQ(kod.origin, request.transmit);
    EXPECT_EQ(kiss_code(kod), "RATE");
    auto bytes = encode_packet(kod).value();
    EXPECT_EQ(wire::to_hex(std::span(bytes).subspan(0, 16)),
              "e4000a00"
              "00000000"
              "00000000"
              "52415445");
    EXPECT_EQ(kiss_code(request), std::nullopt);
    EXPECT_TRUE(is_valid_kiss_code("DENY"));
    EXPECT_FALSE(is_valid_kiss_code("TOOLONG"));
    EXPECT_FALSE(is_valid_kiss_code(""));
}

}  // namespace
}  // namespace hnbsec::ntp
