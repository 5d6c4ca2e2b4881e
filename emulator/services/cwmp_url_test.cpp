#include "emulator/services/cwmp_url.h"

#include <gtest/gtest.h>

namespace hnbsec::emulator {
namespace {

TEST(CwmpUrlTest, HttpsWithPortAndPath) {
    auto url = parse_cwmp_url("https://hems.lab.test:7547/cwmp");
    ASSERT_TRUE(url.ok()) << url.error().message();
    EXPECT_TRUE(url->https);
    EXPECT_EQ(url->host, "hems.lab.test");
    EXPECT_FALSE(url->host_is_ip);
    EXPECT_EQ(url->port, 7547);
    EXPECT_EQ(url->target, "/cwmp");
    EXPECT_EQ(url->authority(), "hems.lab.test:7547");
}

TEST(CwmpUrlTest, DefaultPortsAndTarget) {
    auto https = parse_cwmp_url("https://10.78.0.10");
    ASSERT_TRUE(https.ok());
    EXPECT_EQ(https->port, 443);
    EXPECT_EQ(https->target, "/");
    EXPECT_TRUE(https->host_is_ip);
    auto http = parse_cwmp_url("http://acs?x=1");
    ASSERT_TRUE(http.ok());
    EXPECT_FALSE(http->https);
    EXPECT_EQ(http->port, 80);
    EXPECT_EQ(http->target, "/?x=1");
}

TEST(CwmpUrlTest, Ipv6Literal) {
    auto url = parse_cwmp_url("https://[2001:db8::10]:8443/acs");
    ASSERT_TRUE(url.ok()) << url.error().message();
    EXPECT_EQ(url->host, "2001:db8::10");
    EXPECT_TRUE(url->host_is_ip);
    EXPECT_EQ(url->port, 8443);
    EXPECT_EQ(url->authority(), "[2001:db8::10]:8443");
}

TEST(CwmpUrlTest, RefusesWhatIsNoAcsUrl) {
    for (const char* bad :
         {"ftp://acs/", "https://", "https://acs:0/", "https://acs:65536/", "https://acs:x/",
          "https://user:pw@acs/", "https://acs/#frag", "https://[::1/", "https://[acs]/"}) {
        auto url = parse_cwmp_url(bad);
        EXPECT_FALSE(url.ok()) << bad;
        if (!url.ok()) {
            EXPECT_NE(url.error().what().find("ACS URL"), std::string::npos);
        }
    }
}

}  // namespace
}  // namespace hnbsec::emulator
