#include "harness/profile/address.h"

#include <gtest/gtest.h>

namespace hnbsec::profile {
namespace {

TEST(IpAddress, AcceptsBothFamilies) {
    EXPECT_EQ(parse_ip_address("192.168.77.1")->family, IpFamily::kV4);
    EXPECT_EQ(parse_ip_address("2001:db8::1")->family, IpFamily::kV6);
    EXPECT_EQ(parse_ip_address("::ffff:10.0.0.1")->family, IpFamily::kV6);
}

TEST(IpAddress, RejectsSloppyText) {
    for (const auto* text : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "01.2.3.4", " 1.2.3.4", "1.2.3.4 ",
                             "fe80::1%eth0", "[2001:db8::1]", "2001:db8:::1", "host.lab.test"}) {
        EXPECT_FALSE(parse_ip_address(text).ok()) << text;
    }
    EXPECT_FALSE(parse_ip_address(std::string_view("1.2.3.4\0", 8)).ok());
}

TEST(IpPrefix, ParsesAndContains) {
    const auto prefix = parse_ip_prefix("10.77.0.0/24");
    ASSERT_TRUE(prefix.ok());
    EXPECT_EQ(prefix->length, 24);
    EXPECT_TRUE(prefix->contains(parse_ip_address("10.77.0.200").value()));
    EXPECT_FALSE(prefix->contains(parse_ip_address("10.77.1.1").value()));
    EXPECT_FALSE(prefix->contains(parse_ip_address("2001:db8::1").value()));
    EXPECT_TRUE(parse_ip_prefix("0.0.0.0/0")->contains(parse_ip_address("8.8.8.8").value()));
    EXPECT_TRUE(parse_ip_prefix("2001:db8::/32")->contains(parse_ip_address("2001:db8:ffff::1").value()));
}

TEST(IpPrefix, Overlaps) {
    const auto a = parse_ip_prefix("10.77.0.0/16").value();
    EXPECT_TRUE(a.overlaps(parse_ip_prefix("10.77.3.0/24").value()));
    EXPECT_TRUE(parse_ip_prefix("10.77.3.0/24")->overlaps(a));
    EXPECT_FALSE(a.overlaps(parse_ip_prefix("10.78.0.0/16").value()));
    EXPECT_FALSE(a.overlaps(parse_ip_prefix("2001:db8::/32").value()));
}

TEST(IpPrefix, RejectsBadLengthsAndHostBits) {
    for (const auto* text : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "10.0.0.0/-1", "10.0.0.0/2a",
                             "2001:db8::/129", "/24", "10.0.0.0/24/1"}) {
        EXPECT_FALSE(parse_ip_prefix(text).ok()) << text;
    }
    const auto host_bits = parse_ip_prefix("2001:db8::1/64");
    ASSERT_FALSE(host_bits.ok());
    EXPECT_NE(host_bits.error().what().find("did you mean '2001:db8::/64'?"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::profile
