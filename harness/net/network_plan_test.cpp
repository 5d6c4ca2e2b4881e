#include "harness/net/network_plan.h"

#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/profile/load.h"

namespace hnbsec::net {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::Not;

// The shipped emulated profile's network keys.
constexpr std::string_view kEmulated = R"([dut]
kind = "emulated"
eui = "00A0C9000001"
realm = "hnb.lab.test"
outer_address = "192.168.77.2"

[pics]
P.HENB = true
P.HEMS_PUBLIC = true
P.HEMS_INNER = true
P.TIME_INNER = true
P.CRL = true

[pixit]
segw_fqdn = "segw.lab.test"
segw_address = "192.168.77.1"
inner_pool = "10.77.0.0/24"
core_network = "10.78.0.0/24"
hems_initial_url = "https://hems.lab.test:7547/cwmp"
hems_serving_url = "https://10.78.0.10:7547/cwmp"
time_server_inner = "10.78.0.123"
ocsp_url = "http://192.168.77.1:8080/ocsp"
crl_url = "http://192.168.77.9:8080/crl"
)";

std::string replaced(std::string_view text, std::string_view from, std::string_view to) {
    std::string out(text);
    const auto at = out.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) out.replace(at, from.size(), to);
    return out;
}

profile::Profile load(std::string_view text) {
    auto loaded = profile::parse_profile(text, "net/test.toml");
    EXPECT_TRUE(loaded.ok()) << (loaded.problems.empty() ? "" : loaded.problems.front().message);
    return loaded.profile.value_or(profile::Profile{});
}

RunId id() {
    return *RunId::parse("t1");
}

auto AddressOn(Side side, const std::string& device, const std::string& cidr) {
    return AllOf(Field(&PlannedAddress::side, side), Field(&PlannedAddress::device, device),
                 Field(&PlannedAddress::cidr, cidr));
}

TEST(NetworkPlan, EmulatedProfileGetsThreeNamespacesAVethAndATun) {
    const auto plan = plan_network(load(kEmulated), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_TRUE(plan->dut_namespace);
    EXPECT_EQ(plan->namespaces(), (std::vector<std::string>{"hxt1-dut", "hxt1-pub", "hxt1-core"}));
    EXPECT_EQ(plan->dut_link, "hxt1-v0");
    EXPECT_EQ(plan->public_link, "hxt1-v1");
    EXPECT_EQ(plan->tun_name, "hxt1-tun");
    EXPECT_EQ(plan->core_gateway, "10.78.0.1");
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kDut, "hxt1-v0", "192.168.77.2/24")));
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kPublic, "hxt1-v1", "192.168.77.1/24")));
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kCore, "lo", "10.78.0.1/32")));
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kCore, "lo", "10.78.0.10/32")));
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kCore, "lo", "10.78.0.123/32")));
}

TEST(NetworkPlan, PublicServiceLiteralsGoOnPublicLoAndTheSegwAddressOnlyOnce) {
    const auto plan = plan_network(load(kEmulated), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kPublic, "lo", "192.168.77.9/32")));
    EXPECT_THAT(plan->addresses, Not(Contains(AddressOn(Side::kPublic, "lo", "192.168.77.1/32"))));
    // hems.lab.test is a DNS name: listed, not placed.
    ASSERT_EQ(plan->unplaced_hosts.size(), 1U);
    EXPECT_THAT(plan->unplaced_hosts[0], HasSubstr("hems.lab.test"));
}

TEST(NetworkPlan, InnerPoolIsRoutedIntoTheTunFromTheGateway) {
    const auto plan = plan_network(load(kEmulated), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_THAT(plan->routes, Contains(AllOf(Field(&PlannedRoute::side, Side::kCore),
                                             Field(&PlannedRoute::destination, "10.77.0.0/24"),
                                             Field(&PlannedRoute::device, "hxt1-tun"),
                                             Field(&PlannedRoute::source, "10.78.0.1"))));
    EXPECT_THAT(plan->routes, Contains(AllOf(Field(&PlannedRoute::side, Side::kDut),
                                             Field(&PlannedRoute::destination, "default"),
                                             Field(&PlannedRoute::via, "192.168.77.1"))));
}

TEST(NetworkPlan, DefaultsApplyWhenTheProfileOmitsOuterAddresses) {
    auto text = replaced(kEmulated, "outer_address = \"192.168.77.2\"\n", "");
    text = replaced(text, "segw_address = \"192.168.77.1\"\n", "");
    const auto plan = plan_network(load(text), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_EQ(plan->dut_address, "192.168.77.2");
    EXPECT_EQ(plan->segw_address, "192.168.77.1");
}

TEST(NetworkPlan, DescribeNamesEveryPart) {
    const auto plan = plan_network(load(kEmulated), id());
    ASSERT_TRUE(plan.ok());
    const auto text = plan->describe();
    for (const char* part : {"hxt1-dut", "hxt1-pub", "hxt1-core", "veth hxt1-v0", "tun: hxt1-tun",
                             "10.78.0.123/32", "route: 10.77.0.0/24 dev hxt1-tun src 10.78.0.1"}) {
        EXPECT_THAT(text, HasSubstr(part));
    }
}

TEST(NetworkPlan, BackhaulInTwoSubnetsIsRejected) {
    const auto text =
        replaced(kEmulated, "segw_address = \"192.168.77.1\"", "segw_address = \"192.168.78.1\"");
    const auto plan =
        plan_network(load(replaced(text, "192.168.77.1:8080/ocsp", "192.168.78.1:8080/ocsp")), id());
    ASSERT_FALSE(plan.ok());
    EXPECT_THAT(plan.error().message(), HasSubstr("not in one /24"));
}

TEST(NetworkPlan, CoreServiceInsideTheInnerPoolIsRejected) {
    // The profile loader only warns about it (outside core_network); the plan cannot route it.
    const auto plan = plan_network(
        load(replaced(kEmulated, "time_server_inner = \"10.78.0.123\"", "time_server_inner = \"10.77.0.9\"")),
        id());
    ASSERT_FALSE(plan.ok());
    EXPECT_THAT(plan.error().message(), HasSubstr("inside pixit.inner_pool"));
}

constexpr std::string_view kExternalDut = "kind = \"external\"\ninterface = \"enp3s0\"";

TEST(NetworkPlan, ExternalDutUsesTheLabInterfaceAndNoDutNamespace) {
    const auto plan = plan_network(load(replaced(kEmulated, "kind = \"emulated\"", kExternalDut)), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_FALSE(plan->dut_namespace);
    EXPECT_EQ(plan->namespaces(), (std::vector<std::string>{"hxt1-pub", "hxt1-core"}));
    EXPECT_TRUE(plan->public_link_is_external);
    EXPECT_EQ(plan->public_link, "enp3s0");
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kPublic, "enp3s0", "192.168.77.1/24")));
    for (const auto& a : plan->addresses) EXPECT_NE(a.side, Side::kDut);
    for (const auto& r : plan->routes) EXPECT_NE(r.side, Side::kDut);
    EXPECT_THAT(plan->describe(), HasSubstr("lab interface enp3s0 moved into hxt1-pub"));
}

TEST(NetworkPlan, ExternalDutWithoutInterfaceIsRejected) {
    auto profile = load(replaced(kEmulated, "kind = \"emulated\"", kExternalDut));
    profile.dut.interface.reset();  // the loader insists on it too; the plan must not trust that
    const auto plan = plan_network(profile, id());
    ASSERT_FALSE(plan.ok());
    EXPECT_THAT(plan.error().message(), HasSubstr("dut.interface"));
}

TEST(NetworkPlan, ExternalDutOnOneOfOurOwnLinksIsRejected) {
    auto profile = load(replaced(kEmulated, "kind = \"emulated\"", kExternalDut));
    profile.dut.interface = "hxab12-v1";
    const auto plan = plan_network(profile, id());
    ASSERT_FALSE(plan.ok());
    EXPECT_THAT(plan.error().message(), HasSubstr("hnbsec makes"));
}

TEST(NetworkPlan, Ipv6BackhaulUsesA64) {
    auto text = replaced(kEmulated, "outer_address = \"192.168.77.2\"", "outer_address = \"2001:db8:77::2\"");
    text = replaced(text, "segw_address = \"192.168.77.1\"", "segw_address = \"2001:db8:77::1\"");
    text = replaced(text, "P.HENB = true", "P.HENB = true\nP.IPV6_OUTER = true");
    const auto plan = plan_network(load(text), id());
    ASSERT_TRUE(plan.ok()) << plan.error().message();
    EXPECT_THAT(plan->addresses, Contains(AddressOn(Side::kDut, "hxt1-v0", "2001:db8:77::2/64")));
    // The IPv4 OCSP/CRL literals do not fit an IPv6 backhaul: noted, not placed.
    EXPECT_THAT(plan->notes, Contains(HasSubstr("pixit.crl_url")));
}

}  // namespace
}  // namespace hnbsec::net
