#include "harness/profile/url.h"

#include <gtest/gtest.h>

namespace hnbsec::profile {
namespace {

TEST(Url, SplitsSchemeHostPortAndPath) {
    const auto url = parse_url("https://hems.lab.test:7547/cwmp");
    ASSERT_TRUE(url.ok());
    EXPECT_TRUE(url->https);
    EXPECT_EQ(url->host, "hems.lab.test");
    EXPECT_EQ(url->port, 7547);
    EXPECT_EQ(url->path, "/cwmp");

    const auto plain = parse_url("http://192.168.77.1");
    ASSERT_TRUE(plain.ok());
    EXPECT_FALSE(plain->https);
    EXPECT_EQ(plain->port, 80);
    EXPECT_EQ(plain->path, "");

    const auto v6 = parse_url("https://[2001:db8::10]:8443/ocsp?x=1");
    ASSERT_TRUE(v6.ok());
    EXPECT_EQ(v6->host, "2001:db8::10");
    EXPECT_EQ(v6->port, 8443);
    EXPECT_EQ(v6->path, "/ocsp?x=1");
    EXPECT_EQ(parse_url("https://[::1]")->port, 443);
}

TEST(Url, RejectsWhatTheHarnessCannotServe) {
    for (const auto* text :
         {"", "hems.lab.test", "ftp://x.lab.test/", "HTTPS://x.lab.test", "https://", "https:///cwmp",
          "https://user@hems.lab.test/", "https://hems.lab.test:/", "https://hems.lab.test:0/",
          "https://hems.lab.test:65536/", "https://hems lab/", "https://[2001:db8::1/", "https://[10.0.0.1]/",
          "https://[::1]x/", "https://-bad-.lab.test/", "https://a..b/"}) {
        EXPECT_FALSE(parse_url(text).ok()) << text;
    }
}

}  // namespace
}  // namespace hnbsec::profile
