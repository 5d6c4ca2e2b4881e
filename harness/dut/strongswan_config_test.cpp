// charon's configuration as an H(e)NB: the settings syntax quotes and refuses what it must,
// the PIN appears in swanctl.conf only (mode 0600), and the plugin order of LAB.md holds.
#include "harness/dut/strongswan_config.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "harness/dut/dut_test_support.h"
#include "harness/dut/strongswan_settings.h"

namespace hnbsec::dut {
namespace {
using testing::TempDir;

TEST(StrongswanSettings, PlainValuesStayBareOthersAreQuotedLineBreaksRefused) {
    EXPECT_EQ(*settings_value("10.78.0.0/24"), "10.78.0.0/24");
    EXPECT_EQ(*settings_value("aes128-sha256-modp2048,aes256gcm16"), "aes128-sha256-modp2048,aes256gcm16");
    EXPECT_EQ(*settings_value("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(*settings_value("x { y"), "\"x { y\"");
    EXPECT_EQ(*settings_value(""), "\"\"");
    EXPECT_FALSE(settings_value("a\nsecrets { }").ok());

    SettingsWriter w;
    w.open("a");
    w.value("bad key", "x");
    w.close();
    EXPECT_FALSE(w.text().ok());
}

TEST(StrongswanConfig, StrongswanConfLoadsLibipsecBeforeNetlinkAndNeverDumpsKeys) {
    const auto files = charon_files("/tmp/charon-x");
    CharonSettings settings;
    settings.pkcs11_module = "/usr/lib/softhsm/libsofthsm2.so";
    auto text = render_strongswan_conf(files, settings);
    ASSERT_TRUE(text.ok()) << text.error().message();
    const auto libipsec = text->find("kernel-libipsec");
    ASSERT_NE(libipsec, std::string::npos);
    EXPECT_LT(libipsec, text->find("kernel-netlink"));
    EXPECT_NE(text->find(" kdf "), std::string::npos);
    EXPECT_NE(text->find("socket = unix://charon.vici"), std::string::npos);
    EXPECT_NE(text->find("file = /tmp/charon-x/resolv.conf"), std::string::npos);
    EXPECT_NE(text->find("path = /usr/lib/softhsm/libsofthsm2.so"), std::string::npos);
    EXPECT_EQ(text->find("ike = 4"), std::string::npos);
    EXPECT_EQ(text->find("chd = 4"), std::string::npos);
}

TEST(StrongswanConfig, SwanctlConfNamesTheTokenKeyAndHoldsThePinPrivately) {
    TempDir tmp;
    const auto pin = hsm::Pin::from_secret("s3cr3t-pin", "test");
    HnbConnection c{"192.168.77.2",  "192.168.77.1", "00A0C9000001.hnb.lab.test",
                    "segw.lab.test", "10.78.0.0/24", "aes128-sha256-modp2048",
                    "aes128-sha256", "device.pem",   "01"};
    auto text = render_swanctl_conf(c, pin);
    ASSERT_TRUE(text.ok()) << text.error().message();
    for (const char* expected :
         {"local_addrs = 192.168.77.2", "remote_addrs = 192.168.77.1", "vips = 0.0.0.0",
          "id = 00A0C9000001.hnb.lab.test", "id = segw.lab.test", "remote_ts = 10.78.0.0/24",
          "certs = device.pem", "handle = 01", "module = token", "pin = s3cr3t-pin", "encap = yes"}) {
        EXPECT_NE(text->find(expected), std::string::npos) << expected << "\n" << *text;
    }
    const auto path = tmp.path() / "swanctl.conf";
    ASSERT_TRUE(write_private_file(path, *text).ok());
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600U);

    const auto bad_pin = hsm::Pin::from_secret("line\nbreak", "test");
    auto refused = render_swanctl_conf(c, bad_pin);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().message().find("line\nbreak"), std::string::npos);  // never quoted back
}

TEST(StrongswanConfig, SplitsAChainIntoCertificates) {
    const std::string pem =
        "-----BEGIN CERTIFICATE-----\nAAA\n-----END CERTIFICATE-----\n"
        "-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n";
    const auto certs = split_pem_certificates(pem);
    ASSERT_EQ(certs.size(), 2U);
    EXPECT_EQ(certs[1], "-----BEGIN CERTIFICATE-----\nBBB\n-----END CERTIFICATE-----\n");
    EXPECT_TRUE(split_pem_certificates("nothing").empty());
}

}  // namespace
}  // namespace hnbsec::dut
