#include "proto/esp/udp_encap.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/esp/test_packets.h"

namespace hnbsec::esp {
namespace {

using ::testing::HasSubstr;
using testing::ipv4_udp_datagram;

Bytes esp_packet() {
    return {0xc0, 0x01, 0x02, 0x03, 0, 0, 0, 1, 0xaa, 0xbb, 0xcc, 0xdd};
}

TEST(Udp4500, ClassifiesKeepaliveIkeAndEsp) {
    EXPECT_EQ(classify_udp4500(Bytes{0xff}).kind, Udp4500Kind::kNatKeepalive);
    Bytes ike(4 + 28, 0);
    ike[4] = 0x11;  // first octet of the IKE SPIi
    const auto classified_ike = classify_udp4500(ike);
    EXPECT_EQ(classified_ike.kind, Udp4500Kind::kIke);
    EXPECT_EQ(classified_ike.packet.size(), 28U);
    EXPECT_EQ(classified_ike.packet[0], 0x11);
    const Bytes esp = esp_packet();
    const auto classified_esp = classify_udp4500(esp);
    EXPECT_EQ(classified_esp.kind, Udp4500Kind::kEsp);
    EXPECT_EQ(classified_esp.packet.size(), esp_packet().size());
    EXPECT_EQ(udp4500_kind_name(Udp4500Kind::kNatKeepalive), "NAT-keepalive");
}

TEST(Udp4500, MalformedPayloadsAreNamed) {
    EXPECT_EQ(classify_udp4500(Bytes{}).kind, Udp4500Kind::kMalformed);
    EXPECT_EQ(classify_udp4500(Bytes{0xfe}).kind, Udp4500Kind::kMalformed);
    EXPECT_EQ(classify_udp4500(Bytes{0xff, 0xff}).kind, Udp4500Kind::kMalformed);
    const auto short_ike = classify_udp4500(Bytes(10, 0));
    EXPECT_EQ(short_ike.kind, Udp4500Kind::kMalformed);
    EXPECT_THAT(short_ike.reason, HasSubstr("IKE header"));
}

TEST(Udp4500, EspPayloadCarriesNoMarker) {
    auto payload = esp_udp_payload(esp_packet());
    ASSERT_TRUE(payload.ok());
    EXPECT_EQ(*payload, esp_packet());
    EXPECT_FALSE(esp_udp_payload(Bytes{0, 0, 0, 0, 0, 0, 0, 1}).ok());
    EXPECT_FALSE(esp_udp_payload(Bytes{1, 2}).ok());
}

Bytes raw_esp_v4(const Bytes& esp) {
    Bytes packet = ipv4_udp_datagram({192, 0, 2, 1}, {192, 0, 2, 2}, 1, 2, esp);
    // Turn UDP into protocol 50: drop the 8-octet UDP header, fix lengths.
    packet.erase(packet.begin() + 20, packet.begin() + 28);
    packet[9] = kIpProtocolEsp;
    packet[2] = static_cast<std::uint8_t>(packet.size() >> 8);
    packet[3] = static_cast<std::uint8_t>(packet.size());
    return packet;
}

TEST(EspInIp, FindsRawEspInIpv4) {
    const Bytes packet = raw_esp_v4(esp_packet());
    auto found = decode_esp_in_ip(packet);
    ASSERT_TRUE(found.ok()) << found.error().message();
    EXPECT_FALSE(found->udp_encapsulated);
    EXPECT_EQ(Bytes(found->esp.begin(), found->esp.end()), esp_packet());
    EXPECT_EQ(found->source, (Bytes{192, 0, 2, 1}));
}

TEST(EspInIp, FindsUdpEncapsulatedEsp) {
    const Bytes packet = ipv4_udp_datagram({192, 0, 2, 1}, {192, 0, 2, 2}, 4500, 4500, esp_packet());
    auto found = decode_esp_in_ip(packet);
    ASSERT_TRUE(found.ok()) << found.error().message();
    EXPECT_TRUE(found->udp_encapsulated);
    EXPECT_EQ(found->destination_port, 4500);
    EXPECT_EQ(found->esp.size(), esp_packet().size());
    Bytes keepalive = ipv4_udp_datagram({192, 0, 2, 1}, {192, 0, 2, 2}, 4500, 4500, Bytes{0xff});
    auto not_esp = decode_esp_in_ip(keepalive);
    ASSERT_FALSE(not_esp.ok());
    EXPECT_THAT(not_esp.error().message(), HasSubstr("NAT-keepalive"));
    auto other_port =
        decode_esp_in_ip(ipv4_udp_datagram({192, 0, 2, 1}, {192, 0, 2, 2}, 53, 53, esp_packet()));
    EXPECT_FALSE(other_port.ok());
}

TEST(EspInIp, FindsRawEspInIpv6AfterDestinationOptions) {
    Bytes packet = {0x60, 0, 0, 0, 0, 0, 60, 64};
    packet.resize(40, 0x20);
    const Bytes options = {kIpProtocolEsp, 0, 1, 4, 0, 0, 0, 0};  // PadN
    const std::size_t length = options.size() + esp_packet().size();
    packet[4] = static_cast<std::uint8_t>(length >> 8);
    packet[5] = static_cast<std::uint8_t>(length);
    packet.insert(packet.end(), options.begin(), options.end());
    const Bytes esp = esp_packet();
    packet.insert(packet.end(), esp.begin(), esp.end());
    auto found = decode_esp_in_ip(packet);
    ASSERT_TRUE(found.ok()) << found.error().message();
    EXPECT_EQ(found->ip_version, 6);
    EXPECT_EQ(found->esp.size(), esp_packet().size());
}

TEST(EspInIp, RejectsEveryTruncation) {
    const Bytes packet = raw_esp_v4(esp_packet());
    for (std::size_t n = 0; n < packet.size(); ++n) {
        EXPECT_FALSE(decode_esp_in_ip(ByteSpan(packet.data(), n)).ok()) << n;
    }
    Bytes tcp = raw_esp_v4(esp_packet());
    tcp[9] = 6;
    EXPECT_THAT(decode_esp_in_ip(tcp).error().message(), HasSubstr("neither ESP"));
}

}  // namespace
}  // namespace hnbsec::esp
