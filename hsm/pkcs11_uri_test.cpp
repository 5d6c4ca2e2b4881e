#include "hsm/pkcs11_uri.h"

#include <gtest/gtest.h>

namespace hnbsec::hsm {
namespace {

TEST(Pkcs11Uri, FormatsDeviceKey) {
    Pkcs11Uri uri{"hnbsec-device", "device", {0x01}, ObjectType::kPrivate};
    EXPECT_EQ(uri.format(), "pkcs11:token=hnbsec-device;object=device;id=%01;type=private");
}

TEST(Pkcs11Uri, PercentEncodesReservedCharacters) {
    Pkcs11Uri uri{"lab token;1", "a=b/c%d", {0xa2, 0xff}, {}};
    EXPECT_EQ(uri.format(), "pkcs11:token=lab%20token%3b1;object=a%3db%2fc%25d;id=%a2%ff");
}

TEST(Pkcs11Uri, RoundTrips) {
    Pkcs11Uri uri{"tok én;?", "key #1 ~._-", {0x00, 0x7f, 0x80}, ObjectType::kPublic};
    auto parsed = Pkcs11Uri::parse(uri.format());
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(*parsed, uri);
}

TEST(Pkcs11Uri, ParsesUppercaseHexAndSchemeAndAnyOrder) {
    auto parsed = Pkcs11Uri::parse("PKCS11:type=private;id=%0A%Bc;object=dev%69ce;token=t");
    ASSERT_TRUE(parsed.ok()) << parsed.error().message();
    EXPECT_EQ(parsed->token, "t");
    EXPECT_EQ(parsed->object, "device");
    EXPECT_EQ(parsed->id, (std::vector<std::uint8_t>{0x0a, 0xbc}));
    EXPECT_EQ(parsed->type, ObjectType::kPrivate);
}

TEST(Pkcs11Uri, EmptyPathIsValid) {
    auto parsed = Pkcs11Uri::parse("pkcs11:");
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, Pkcs11Uri{});
    EXPECT_EQ(Pkcs11Uri{}.format(), "pkcs11:");
}

TEST(Pkcs11Uri, RejectsMalformedInput) {
    for (const char* bad : {"file:/x", "pkcs11:token", "pkcs11:token=a;;object=b", "pkcs11:token=a;",
                            "pkcs11:id=%0", "pkcs11:id=%zz", "pkcs11:token=a;token=b", "pkcs11:type=secret",
                            "pkcs11:slot-id=3", "pkcs11:token=a#frag"}) {
        EXPECT_FALSE(Pkcs11Uri::parse(bad).ok()) << bad;
    }
}

TEST(Pkcs11Uri, RefusesQueryAndNeverEchoesIt) {
    auto parsed = Pkcs11Uri::parse("pkcs11:token=a;object=b?pin-value=TopSecret99");
    ASSERT_FALSE(parsed.ok());
    EXPECT_NE(parsed.error().what().find("not supported"), std::string::npos);
    EXPECT_EQ(parsed.error().message().find("TopSecret99"), std::string::npos);
}

TEST(Pkcs11Uri, MalformedAttributeErrorDoesNotEchoValue) {
    auto parsed = Pkcs11Uri::parse("pkcs11:TopSecret99");
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().message().find("TopSecret99"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::hsm
