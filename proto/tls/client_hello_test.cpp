// ClientHello extension bodies decode from known bytes, and short bodies fail with the field named.

#include "proto/tls/client_hello.h"

#include <gtest/gtest.h>

#include "proto/tls/versions.h"

namespace hnbsec::tls {
namespace {

TEST(ClientHello, DecodesSupportedVersions) {
    const std::uint8_t body[] = {0x04, 0x03, 0x04, 0x03, 0x03};
    auto versions = decode_supported_versions(body);
    ASSERT_TRUE(versions.ok());
    EXPECT_EQ(*versions, (std::vector<std::uint16_t>{0x0304, 0x0303}));
}

TEST(ClientHello, DecodesGroupsAndServerName) {
    const std::uint8_t groups[] = {0x00, 0x04, 0x00, 0x1d, 0x00, 0x17};
    EXPECT_EQ(*decode_u16_list(groups, "supported_groups"), (std::vector<std::uint16_t>{0x001d, 0x0017}));
    const std::uint8_t sni[] = {0x00, 0x08, 0x00, 0x00, 0x05, 'h', 'e', 'm', 's', '1'};
    EXPECT_EQ(*decode_server_name(sni), "hems1");
}

TEST(ClientHello, NamesTheFieldOfATruncatedExtension) {
    const std::uint8_t versions[] = {0x04, 0x03, 0x04};
    auto decoded = decode_supported_versions(versions);
    ASSERT_FALSE(decoded.ok());
    EXPECT_NE(decoded.error().what().find("supported_versions"), std::string::npos) << decoded.error().what();
    const std::uint8_t sni[] = {0x00, 0x08, 0x00, 0x00, 0x09, 'h'};
    EXPECT_FALSE(decode_server_name(sni).ok());
}

TEST(ClientHello, HighestVersionIgnoresGrease) {
    ClientHello hello;
    hello.legacy_version = 0x0303;
    EXPECT_EQ(hello.highest_version(), 0x0303);
    hello.supported_versions = {0x7a7a, 0x0304, 0x0303};
    EXPECT_EQ(hello.highest_version(), 0x0304);
    EXPECT_EQ(version_name(hello.highest_version()), "TLSv1.3");
    EXPECT_EQ(version_name(0x7a7a), "0x7a7a");
}

TEST(Versions, ParsesProfileSpellings) {
    EXPECT_EQ(parse_version("1.2"), Version::kTls12);
    EXPECT_EQ(parse_version("TLSv1.3"), Version::kTls13);
    EXPECT_EQ(parse_version("tls1.1"), Version::kTls11);
    EXPECT_EQ(parse_version("1.4"), std::nullopt);
}

}  // namespace
}  // namespace hnbsec::tls
