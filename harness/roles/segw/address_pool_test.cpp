#include "harness/roles/segw/address_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hnbsec::segw {
namespace {

ike::Id fqdn(const std::string& name) {
    return ike::Id{ike::IdType::kFqdn, ike::Bytes(name.begin(), name.end())};
}

TEST(Ipv4AddressPool, HandsOutHostsInOrderAndKeepsThemPerPeer) {
    auto pool = Ipv4AddressPool::create("10.77.0.0/24", "10.78.0.53");
    ASSERT_TRUE(pool.ok()) << pool.error().message();
    auto a = pool->assign(fqdn("a.hnb.lab.test"));
    auto b = pool->assign(fqdn("b.hnb.lab.test"));
    auto a_again = pool->assign(fqdn("a.hnb.lab.test"));
    ASSERT_TRUE(a.ok() && b.ok() && a_again.ok());
    EXPECT_EQ(a->ip4, (ike::Bytes{10, 77, 0, 1}));
    EXPECT_EQ(b->ip4, (ike::Bytes{10, 77, 0, 2}));
    EXPECT_EQ(a_again->ip4, a->ip4);
    EXPECT_THAT(a->dns4, testing::ElementsAre(ike::Bytes{10, 78, 0, 53}));
    EXPECT_EQ(pool->size(), 254U);
}

TEST(Ipv4AddressPool, ExhaustionIsAnError) {
    auto pool = Ipv4AddressPool::create("10.77.0.0/30");
    ASSERT_TRUE(pool.ok());
    EXPECT_TRUE(pool->assign(fqdn("a")).ok());
    EXPECT_TRUE(pool->assign(fqdn("b")).ok());
    auto c = pool->assign(fqdn("c"));
    ASSERT_FALSE(c.ok());
    EXPECT_THAT(c.error().what(), testing::HasSubstr("exhausted"));
}

TEST(Ipv4AddressPool, BadPrefixesAreRefused) {
    for (const char* bad : {"10.77.0.0", "10.77.0.1/24", "10.77.0.0/31", "ten/24", "10.77.0.0/x"})
        EXPECT_FALSE(Ipv4AddressPool::create(bad).ok()) << bad;
}

}  // namespace
}  // namespace hnbsec::segw
