#include "proto/esp/inner_packet.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/esp/test_packets.h"

namespace hnbsec::esp {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using ::testing::HasSubstr;

const Ipv6 kV6a = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
const Ipv6 kV6b = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};

TEST(InnerPacket, SummarisesIcmpEcho) {
    const Bytes packet = icmp_echo_v4(kHnbInner, kCoreInner, 3, 1);
    auto parsed = parse_inner_packet(packet);
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->summary, "ICMP 10.77.0.1 > 10.78.0.1 echo-request id 3 seq 1");
    EXPECT_EQ(parsed->protocol, 1);
    EXPECT_EQ(parsed->source_port, 8 << 8);  // Type 8, Code 0 as the selector "port"
    EXPECT_EQ(parsed->length, packet.size());
    EXPECT_EQ(summarise_inner_packet(icmp_echo_v4(kCoreInner, kHnbInner, 3, 1, 8, false)),
              "ICMP 10.78.0.1 > 10.77.0.1 echo-reply id 3 seq 1");
}

TEST(InnerPacket, SummarisesUdpWithPorts) {
    auto parsed = parse_inner_packet(udp_v4(kHnbInner, kCoreInner, 123, 123, 48));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->summary, "UDP 10.77.0.1:123 > 10.78.0.1:123 len 48");
    EXPECT_EQ(parsed->source_port, 123);
}

TEST(InnerPacket, SummarisesIpv6) {
    EXPECT_EQ(summarise_inner_packet(udp_v6(kV6a, kV6b, 5000, 53, 10)),
              "UDP [2001:db8::1]:5000 > [2001:db8::2]:53 len 10");
    EXPECT_EQ(summarise_inner_packet(icmp_echo_v6(kV6a, kV6b, 7, 9)),
              "ICMPv6 2001:db8::1 > 2001:db8::2 echo-request id 7 seq 9");
}

TEST(InnerPacket, SummarisesTcpAndOtherProtocols) {
    Bytes tcp = udp_v4(kHnbInner, kCoreInner, 7547, 443, 12);  // 20 octets of transport header
    tcp[9] = 6;
    tcp[20 + 12] = 0x50;  // data offset 5 words
    tcp[20 + 13] = 0x12;  // SYN ACK
    EXPECT_EQ(summarise_inner_packet(tcp), "TCP 10.77.0.1:7547 > 10.78.0.1:443 [S.] len 0");
    Bytes gre = udp_v4(kHnbInner, kCoreInner, 1, 2, 4);
    gre[9] = 47;
    EXPECT_EQ(summarise_inner_packet(gre), "IPv4 10.77.0.1 > 10.78.0.1 proto 47 len 12");
}

TEST(InnerPacket, RejectsEveryTruncation) {
    const Bytes packet = udp_v4(kHnbInner, kCoreInner, 123, 123, 0);
    for (std::size_t n = 0; n < packet.size(); ++n) {
        auto parsed = parse_inner_packet(ByteSpan(packet.data(), n));
        EXPECT_FALSE(parsed.ok()) << n;
    }
}

TEST(InnerPacket, NamesTheBadField) {
    Bytes packet = icmp_echo_v4(kHnbInner, kCoreInner, 1, 1);
    packet[3] = 0xff;  // Total Length beyond the packet
    auto parsed = parse_inner_packet(packet);
    ASSERT_FALSE(parsed.ok());
    EXPECT_THAT(parsed.error().message(), HasSubstr("Total Length"));
    EXPECT_THAT(summarise_inner_packet(Bytes{0x50, 0}), HasSubstr("IP version 5"));
    Bytes short_ihl = packet;
    short_ihl[0] = 0x44;
    EXPECT_THAT(summarise_inner_packet(short_ihl), HasSubstr("IHL"));
}

TEST(InnerPacket, TrailingTfcPaddingIsNotPartOfThePacket) {
    Bytes packet = udp_v4(kHnbInner, kCoreInner, 1, 2, 3);
    const std::size_t length = packet.size();
    packet.resize(length + 20, 0);
    auto parsed = parse_inner_packet(packet);
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(parsed->length, length);
}

// The dotted quad is formatted by hand (no inet_ntop on the data path): it must match
// inet_ntop's form, without leading zeros, at every digit-count boundary.
TEST(InnerPacket, DottedQuadMatchesInetNtop) {
    for (const unsigned v : {0U, 1U, 9U, 10U, 99U, 100U, 199U, 200U, 255U}) {
        const auto b = static_cast<std::uint8_t>(v);
        const std::uint8_t address[4] = {b, 0, static_cast<std::uint8_t>(255 - v), b};
        const std::string text =
            std::to_string(v) + ".0." + std::to_string(255 - v) + "." + std::to_string(v);
        EXPECT_EQ(address_to_string(ByteSpan(address, 4)), text);
    }
}

}  // namespace
}  // namespace hnbsec::esp
