#include "harness/net/run_id.h"

#include <gtest/gtest.h>

namespace hnbsec::net {
namespace {

TEST(RunId, GeneratedIdsAreSixHexDigitsAndValid) {
    const auto id = RunId::generate();
    EXPECT_EQ(id.text().size(), 6U);
    EXPECT_TRUE(RunId::parse(id.text()).ok());
}

TEST(RunId, ParseRejectsEmptyLongAndForeignCharacters) {
    EXPECT_FALSE(RunId::parse("").ok());
    EXPECT_FALSE(RunId::parse("123456789").ok());
    EXPECT_FALSE(RunId::parse("AB").ok());
    EXPECT_FALSE(RunId::parse("a-b").ok());
    EXPECT_FALSE(RunId::parse("a/b").ok());
    EXPECT_TRUE(RunId::parse("12345678").ok());
}

TEST(RunId, LongestNamesFitAnInterfaceName) {
    const auto id = RunId::parse("zzzzzzzz");
    ASSERT_TRUE(id.ok());
    for (const auto role : {NameRole::kDutVeth, NameRole::kPublicVeth, NameRole::kTun}) {
        EXPECT_LE(id->name(role).size(), kMaxInterfaceNameLength) << id->name(role);
    }
    EXPECT_EQ(id->name(NameRole::kCoreNamespace), "hxzzzzzzzz-core");
}

TEST(RunId, OwnedNamesRoundTrip) {
    const auto id = RunId::parse("3f9a1c");
    ASSERT_TRUE(id.ok());
    const auto owned = parse_owned_name(id->name(NameRole::kTun));
    ASSERT_TRUE(owned.has_value());
    EXPECT_EQ(owned->run_id, *id);
    EXPECT_EQ(owned->role, NameRole::kTun);
}

TEST(RunId, ForeignNamesAreNotOurs) {
    for (const char* name : {"hnb", "segw", "hx", "hx-dut", "hx3f9a1c", "hx3f9a1c-", "hx3f9a1c-foo",
                             "hxABC-dut", "hx123456789-dut", "xhx1-dut", "hx1-dut-x", "eth0", "lo"}) {
        EXPECT_FALSE(parse_owned_name(name).has_value()) << name;
    }
}

}  // namespace
}  // namespace hnbsec::net
