// Cross-section rules: PICS that contradict each other, key flavours the DUT
// cannot use, and a network plan that cannot route.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "harness/profile/load.h"
#include "harness/profile/profile_test_support.h"

namespace hnbsec::profile {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace testing_support;

std::string with_pics(std::string_view lines) {
    return inserted_after(kMinimal, "[pics]", lines);
}

TEST(PicsRules, HnbAndHenbBothTrue) {
    const auto text = with_pics("P.HNB = true\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "P.HENB"), "pics: P.HNB and P.HENB are both true")));
}

TEST(PicsRules, NeitherHnbNorHenb) {
    const auto text = replaced(kMinimal, "P.HENB = true", "P.HENB = false");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(line_of(text, "[pics]"),
                                                            "pics: declare exactly one of P.HNB or P.HENB")));
}

TEST(PicsRules, HpauthNeedsHpm) {
    const auto text = std::string(kMinimal.substr(0, kMinimal.find("[pics]"))) +
                      "hp_nai = \"0001@nai.lab.test\"\n" +
                      std::string(kMinimal.substr(kMinimal.find("[pics]")));
    const auto broken = inserted_after(text, "[pics]", "P.HPAUTH = true\n");
    EXPECT_THAT(parse(broken).problems,
                ElementsAre(ProblemAt(line_of(broken, "P.HPAUTH"), "pics.P.HPAUTH: needs P.HPM")));
    EXPECT_THAT(parse(inserted_after(broken, "[pics]", "P.HPM = true\n")).problems, IsEmpty());
}

TEST(PicsRules, TlsInnerNeedsHemsInner) {
    const auto text = with_pics("P.TLS_INNER = true\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "P.TLS_INNER"), "pics.P.TLS_INNER: needs P.HEMS_INNER")));
}

TEST(PicsRules, SomeHemsIsNeeded) {
    const auto text = replaced(kMinimal, "P.HEMS_PUBLIC = true", "P.HEMS_PUBLIC = false");
    EXPECT_THAT(
        parse(text).problems,
        ElementsAre(ProblemAt(line_of(text, "[pics]"), "pics: declare P.HEMS_PUBLIC and/or P.HEMS_INNER")));
}

TEST(PicsRules, IpsecOffExcludesTunnelServices) {
    auto text = with_pics(
        "P.IPSEC_OFF = true\nP.HEMS_INNER = true\nP.TIME_INNER = true\nP.HPM = true\nP.HPAUTH = true\n");
    text = inserted_after(text, "[dut]", "hp_nai = \"0001@nai.lab.test\"\n");
    text = inserted_after(
        text, "[pixit]",
        "hems_serving_url = \"http://10.78.0.10/cwmp\"\ntime_server_inner = \"10.78.0.123\"\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "P.HEMS_INNER"),
                                      "pics.P.HEMS_INNER: cannot be combined with P.IPSEC_OFF"),
                            ProblemAt(line_of(text, "P.TIME_INNER"),
                                      "pics.P.TIME_INNER: cannot be combined with P.IPSEC_OFF"),
                            ProblemAt(line_of(text, "P.HPAUTH"),
                                      "pics.P.HPAUTH: cannot be combined with P.IPSEC_OFF")));
}

TEST(PicsRules, X2DirectNeedsHenb) {
    const auto text =
        replaced(with_pics("P.X2_DIRECT = true\nP.HNB = true\n"), "P.HENB = true", "P.HENB = false");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "P.X2_DIRECT"), "pics.P.X2_DIRECT: needs P.HENB")));
}

TEST(PicsRules, JustifiedCombinationsAreAccepted) {
    // ECDSA without RFC 7427 is fine (RFC 4754 auth methods 9..11); LIPA exists for HNBs too (TS 23.060,
    // Rel-10).
    const auto ecdsa = with_pics("P.ECDSA = true\nP.SIGAUTH_7427 = false\n");
    EXPECT_THAT(parse(ecdsa).problems, IsEmpty());
    const auto hnb_lipa =
        replaced(with_pics("P.LIPA = true\nP.HNB = true\n"), "P.HENB = true", "P.HENB = false");
    EXPECT_THAT(parse(hnb_lipa).problems, IsEmpty());
}

TEST(PicsRules, P256NeedsEcdsa) {
    const auto text = std::string(kMinimal) + "[pki]\nflavours = [\"rsa2048\", \"p256\"]\n";
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "flavours"),
                                      "pki.flavours: \"p256\" is listed but P.ECDSA is not declared")));
    EXPECT_THAT(parse(inserted_after(text, "[pics]", "P.ECDSA = true\n")).problems, IsEmpty());
}

TEST(PixitRules, PublicHemsMustUseTls) {
    const auto text = replaced(kMinimal, "https://hems.lab.test", "http://hems.lab.test");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(line_of(text, "hems_initial_url"),
                                                            "pixit.hems_initial_url: must be https://")));
}

TEST(PixitRules, TlsInnerMeansHttpsServingHems) {
    auto text = with_pics("P.HEMS_INNER = true\nP.TLS_INNER = true\n");
    text = inserted_after(text, "[pixit]", "hems_serving_url = \"http://10.78.0.10:7547/cwmp\"\n");
    EXPECT_THAT(parse(text).problems, ElementsAre(ProblemAt(line_of(text, "hems_serving_url"),
                                                            "pixit.hems_serving_url: must be https://")));
}

TEST(NetworkRules, Ipv6OuterNeedsPics) {
    auto text = inserted_after(kMinimal, "[dut]", "outer_address = \"2001:db8::2\"\n");
    text = inserted_after(text, "[pixit]", "segw_address = \"2001:db8::1\"\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "outer_address"),
                                      "dut.outer_address: IPv6 backhaul needs P.IPV6_OUTER"),
                            ProblemAt(line_of(text, "segw_address"),
                                      "pixit.segw_address: IPv6 backhaul needs P.IPV6_OUTER")));
    EXPECT_THAT(parse(inserted_after(text, "[pics]", "P.IPV6_OUTER = true\n")).problems, IsEmpty());
}

TEST(NetworkRules, OuterFamiliesMustMatch) {
    auto text = inserted_after(kMinimal, "[dut]", "outer_address = \"192.168.77.2\"\n");
    text = inserted_after(text, "[pixit]", "segw_address = \"2001:db8::1\"\n");
    text = inserted_after(text, "[pics]", "P.IPV6_OUTER = true\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "segw_address"),
                                      "pixit.segw_address: IPv6 while dut.outer_address is IPv4")));
}

TEST(NetworkRules, Ipv6InnerNeedsPicsAndAMatchingCore) {
    const auto text = replaced(kMinimal, "10.77.0.0/24", "2001:db8:77::/64");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "inner_pool"),
                                      "pixit.inner_pool: IPv6 inner addresses need P.IPV6_INNER"),
                            ProblemAt(line_of(text, "core_network"),
                                      "pixit.core_network: IPv4 while pixit.inner_pool is IPv6")));
}

TEST(NetworkRules, InnerPoolAndCoreMustBeDisjoint) {
    const auto text = replaced(kMinimal, "10.78.0.0/24", "10.77.0.0/16");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "core_network"),
                                      "pixit.core_network: 10.77.0.0/16 overlaps pixit.inner_pool")));
}

TEST(NetworkRules, BackhaulAddressesStayOutsideTheTunnelRanges) {
    const auto text = inserted_after(kMinimal, "[pixit]", "segw_address = \"10.78.0.1\"\n");
    EXPECT_THAT(parse(text).problems,
                ElementsAre(ProblemAt(line_of(text, "segw_address"),
                                      "pixit.segw_address: 10.78.0.1 lies inside pixit.core_network")));
}

TEST(NetworkRules, InnerServicesOutsideTheCoreAreAWarning) {
    auto text = with_pics("P.HEMS_INNER = true\nP.TIME_INNER = true\n");
    text = inserted_after(
        text, "[pixit]",
        "hems_serving_url = \"http://10.99.0.10/cwmp\"\ntime_server_inner = \"ntp.core.lab.test\"\n");
    const auto loaded = parse(text);
    EXPECT_THAT(loaded.problems, IsEmpty());
    EXPECT_THAT(loaded.warnings,
                ElementsAre(ProblemAt(line_of(text, "hems_serving_url"),
                                      "10.99.0.10 is outside pixit.core_network 10.78.0.0/24")));
}

}  // namespace
}  // namespace hnbsec::profile
