#include "proto/ike/udp_encapsulation.h"

#include <gtest/gtest.h>

#include "proto/ike/decode.h"
#include "proto/ike/testdata.h"

namespace hnbsec::ike {
namespace {

using testing::hex;

TEST(Udp4500, NatKeepaliveIsOneFfOctet) {
    auto d = classify_udp4500(hex("ff"));
    EXPECT_EQ(d.kind, Udp4500Kind::kNatKeepalive);
    EXPECT_TRUE(d.packet.empty());
}

TEST(Udp4500, NonEspMarkerIntroducesIke) {
    Bytes datagram =
        hex("00000000"
            "0102030405060708");
    auto d = classify_udp4500(datagram);
    EXPECT_EQ(d.kind, Udp4500Kind::kIke);
    EXPECT_EQ(Bytes(d.packet.begin(), d.packet.end()), hex("0102030405060708"));
}

TEST(Udp4500, NonZeroSpiIsEsp) {
    Bytes datagram =
        hex("11863e9d"
            "00000001"
            "aabbccdd");
    auto d = classify_udp4500(datagram);
    EXPECT_EQ(d.kind, Udp4500Kind::kEsp);
    EXPECT_EQ(d.packet.size(), datagram.size());
}

TEST(Udp4500, TooShortForAnythingIsMalformed) {
    for (const char* text : {"", "00", "fe", "ffff", "000000", "11863e9d", "11863e9d000000"}) {
        EXPECT_EQ(classify_udp4500(hex(text)).kind, Udp4500Kind::kMalformed) << text;
    }
}

TEST(Udp4500, RealIkeAuthFragmentsDecode) {
    for (const char* name : {"ike_auth_request_fragment_1", "ike_auth_response_fragment_2"}) {
        testing::Fixture f = testing::fixture(testing::kStrongswanFile, name);
        auto d = classify_udp4500(f.bytes);
        ASSERT_EQ(d.kind, Udp4500Kind::kIke) << name;
        auto m = decode_message(d.packet);
        ASSERT_TRUE(m.ok()) << m.error().what();
        EXPECT_EQ(m->payloads.at(0).type, PayloadType::kSkf);
    }
}

TEST(Udp4500, MarkerIsAddedForSending) {
    Bytes ike = hex("0102");
    EXPECT_EQ(with_non_esp_marker(ike), hex("000000000102"));
    EXPECT_EQ(classify_udp4500(with_non_esp_marker(ike)).kind, Udp4500Kind::kIke);
}

TEST(Udp4500, KindNames) {
    EXPECT_EQ(udp4500_kind_name(Udp4500Kind::kNatKeepalive), "NAT-keepalive");
    EXPECT_EQ(udp4500_kind_name(Udp4500Kind::kEsp), "ESP");
}

}  // namespace
}  // namespace hnbsec::ike
