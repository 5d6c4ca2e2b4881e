#include "harness/profile/identifiers.h"

#include <string>

#include <gtest/gtest.h>

#include "harness/profile/did_you_mean.h"

namespace hnbsec::profile {
namespace {

TEST(Eui, TwelveOrSixteenHexDigits) {
    EXPECT_TRUE(check_eui("00A0C9000001").ok());
    EXPECT_TRUE(check_eui("00a0c9fffe000001").ok());
    for (const auto* eui : {"", "00A0C900000", "00A0C90000011", "00-A0-C9-00-00-01", "00A0C900000Z"}) {
        EXPECT_FALSE(check_eui(eui).ok()) << eui;
    }
}

TEST(DnsName, LabelsAndLength) {
    EXPECT_TRUE(check_dns_name("hnb.lab.test").ok());
    EXPECT_TRUE(check_dns_name("localhost").ok());
    for (const auto* name : {"", ".lab", "lab.", "a..b", "-a.b", "a-.b", "a_b.c", "a b.c"}) {
        EXPECT_FALSE(check_dns_name(name).ok()) << name;
    }
    EXPECT_FALSE(check_dns_name(std::string(64, 'a') + ".test").ok());
    EXPECT_TRUE(check_dns_name(std::string(63, 'a') + ".test").ok());
}

TEST(Nai, UsernameAtRealm) {
    EXPECT_TRUE(check_nai("0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org").ok());
    for (const auto* nai : {"", "@realm.test", "user", "user@", "us er@realm.test", "user@bad..realm"}) {
        EXPECT_FALSE(check_nai(nai).ok()) << nai;
    }
}

TEST(OtherNames, InterfaceEnvAndManifest) {
    EXPECT_TRUE(check_interface_name("enp3s0").ok());
    EXPECT_TRUE(check_interface_name("veth-hnb.77").ok());
    EXPECT_FALSE(check_interface_name("a-very-long-interface").ok());
    EXPECT_FALSE(check_interface_name("eth0:1").ok());
    EXPECT_TRUE(check_env_var_name("HNBSEC_TOKEN_PIN").ok());
    EXPECT_FALSE(check_env_var_name("1PIN").ok());
    EXPECT_TRUE(check_manifest_name("operator-root-ca").ok());
    EXPECT_FALSE(check_manifest_name("../root").ok());
    EXPECT_TRUE(check_host("ntp.lab.test").ok());
    EXPECT_TRUE(check_host("2001:db8::123").ok());
    EXPECT_FALSE(check_host("ntp lab").ok());
}

TEST(DidYouMean, DistanceCountsTranspositionsOnce) {
    EXPECT_EQ(detail::edit_distance("fqnd", "fqdn"), 1U);
    EXPECT_EQ(detail::edit_distance("HSM", "hsm"), 0U);
    EXPECT_EQ(detail::edit_distance("", "abc"), 3U);
    const std::string keys[] = {"segw_fqdn", "segw_address", "inner_pool"};
    EXPECT_EQ(detail::closest("segw_fqnd", keys), "segw_fqdn");
    EXPECT_EQ(detail::closest("colour", keys), std::nullopt);
}

TEST(DidYouMean, SecretsAreRecognised) {
    for (const auto* key :
         {"pin", "PIN", "so_pin", "sopin", "user-pin", "pin_code", "password", "token_secret"}) {
        EXPECT_TRUE(detail::looks_like_secret(key)) << key;
    }
    for (const auto* key : {"pin_file", "pin_env", "pin_file_path", "module", "spinner_speed"}) {
        EXPECT_FALSE(detail::looks_like_secret(key)) << key;
    }
}

}  // namespace
}  // namespace hnbsec::profile
