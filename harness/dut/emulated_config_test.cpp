// The emulated DUT's run folder: the TOML it writes parses back with the emulator's own
// loader and names the right files (PKI manifest entries, the token, the network plan).
#include "harness/dut/emulated_config.h"

#include <stdexcept>

#include <gtest/gtest.h>
#include <toml++/toml.h>

#include "emulator/config/henb_config.h"
#include "harness/dut/dut_test_support.h"

namespace hnbsec::dut {
namespace {
namespace fs = std::filesystem;
using testing::TempDir;

pki::Manifest fake_manifest(const fs::path& dir) {
    pki::Manifest m;
    m.dir = dir / "pki";
    pki::Entry device;
    device.name = "device";
    device.kind = "end-entity";
    device.key =
        pki::KeyRecord{"RSA", 2048, "", "pkcs11:token=hnbsec-device;object=device;id=%01;type=private"};
    device.files = {{"pem", "certs/device.pem"}, {"chain", "chains/device.chain.pem"}};
    pki::Entry trust;
    trust.name = "operator-trust";
    trust.kind = "trust-bundle";
    trust.files = {{"pem", "trust/operator-trust.pem"}};
    pki::Entry ocsp;
    ocsp.name = "ocsp-signer";
    ocsp.kind = "end-entity";
    ocsp.files = {{"pem", "certs/ocsp-signer.pem"}};
    m.entries = {device, trust, ocsp};
    m.options["token"] = {{"module", "/usr/lib/softhsm/libsofthsm2.so"},
                          {"label", "hnbsec-device"},
                          {"softhsm_dir", (dir / "token").string()},
                          {"pin_source", "generated"}};
    return m;
}

net::NetworkPlan plan_for(const profile::Profile& profile) {
    auto id = net::RunId::parse("dut1");
    auto plan = net::plan_network(profile, *id);
    if (!plan.ok()) throw std::runtime_error(plan.error().message());  // test support only
    return *plan;
}

TEST(EmulatedConfig, RendersWhatTheEmulatorLoads) {
    TempDir tmp;
    const auto profile = testing::load_test_profile(tmp.path());
    const auto manifest = fake_manifest(tmp.path());
    const auto plan = plan_for(profile);
    const auto files = emulated_dut_files(tmp.path() / "run");
    fs::create_directories(files.state_dir);

    auto sha = write_image(files.image);
    ASSERT_TRUE(sha.ok()) << sha.error().message();
    EXPECT_EQ(sha->size(), 64U);
    EXPECT_EQ(fs::file_size(files.image), kImageSize);

    auto text = render_henb_config(profile, manifest, plan, files, *sha, {});
    ASSERT_TRUE(text.ok()) << text.error().message();
    std::ofstream(files.config) << *text;

    auto config = emulator::load_henb_config(files.config);
    ASSERT_TRUE(config.ok()) << config.error().message() << "\n" << *text;
    EXPECT_EQ(config->device.identity, "00A0C9000001.hnb.lab.test");
    EXPECT_EQ(config->device.image, files.image);
    EXPECT_EQ(config->device.image_sha256, *sha);
    EXPECT_EQ(config->device.control_socket, files.control_socket);
    EXPECT_EQ(config->token.key_uri, "pkcs11:token=hnbsec-device;object=device;id=%01;type=private");
    EXPECT_EQ(config->token.pin_file, tmp.path() / "token" / "user.pin");
    EXPECT_EQ(config->token.softhsm_conf, tmp.path() / "token" / "softhsm2.conf");
    EXPECT_EQ(config->certificates.device_chain, tmp.path() / "pki" / "chains" / "device.chain.pem");
    EXPECT_EQ(config->certificates.trust_anchors, tmp.path() / "pki" / "trust" / "operator-trust.pem");
    EXPECT_EQ(config->segw.address, "192.168.77.1");
    EXPECT_EQ(config->segw.fqdn, "segw.lab.test");
    EXPECT_EQ(config->segw.remote_networks, std::vector<std::string>{"10.78.0.0/24"});
    EXPECT_TRUE(config->segw.ocsp_request);
    ASSERT_EQ(config->segw.ocsp_responders.size(), 1U);
    EXPECT_EQ(config->segw.ocsp_responders[0], tmp.path() / "pki" / "certs" / "ocsp-signer.pem");
    EXPECT_EQ(config->backhaul.interface, "hxdut1-v0");
    EXPECT_EQ(config->backhaul.address, "192.168.77.2");
    ASSERT_TRUE(config->time.has_value());
    EXPECT_EQ(config->time->server, "10.78.0.123");
    EXPECT_TRUE(config->time->inside);
    ASSERT_TRUE(config->hems.has_value());
    EXPECT_EQ(config->hems->url, "https://10.78.0.10:7547/cwmp");
    EXPECT_TRUE(config->hems->inside);
}

TEST(EmulatedConfig, APinFileOverrideAndAMissingDeviceKey) {
    TempDir tmp;
    const auto profile = testing::load_test_profile(tmp.path());
    auto manifest = fake_manifest(tmp.path());
    const auto plan = plan_for(profile);
    const auto files = emulated_dut_files(tmp.path() / "run");

    EmulatedConfigOptions options;
    options.pin_file = tmp.path() / "my.pin";
    auto text = render_henb_config(profile, manifest, plan, files, std::string(64, 'a'), options);
    ASSERT_TRUE(text.ok());
    auto parsed = toml::parse(*text);
    EXPECT_EQ(parsed["token"]["pin_file"].value_or(std::string()), (tmp.path() / "my.pin").string());

    manifest.entries[0].key->location = "keys/device.key.pem";  // a file key: not a TrE
    auto refused = render_henb_config(profile, manifest, plan, files, std::string(64, 'a'), {});
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().message().find("not on a PKCS#11 token"), std::string::npos);
}

TEST(EmulatedConfig, TamperingChangesTheImageHash) {
    TempDir tmp;
    const fs::path image = tmp.path() / "image.bin";
    auto before = write_image(image);
    ASSERT_TRUE(before.ok());
    ASSERT_TRUE(tamper_image(image).ok());
    auto after = file_sha256(image);
    ASSERT_TRUE(after.ok());
    EXPECT_NE(*before, *after);
    EXPECT_EQ(fs::file_size(image), kImageSize);
}

}  // namespace
}  // namespace hnbsec::dut
