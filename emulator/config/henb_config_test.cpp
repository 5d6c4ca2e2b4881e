#include "emulator/config/henb_config.h"

#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

namespace hnbsec::emulator {
namespace {

namespace fs = std::filesystem;

constexpr const char* kMinimal = R"(
[device]
identity = "00A0C9000001.hnb.lab.test"
state_dir = "state"
image = "image.bin"
image_sha256 = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"

[token]
module = "/usr/lib/softhsm/libsofthsm2.so"
key_uri = "pkcs11:token=hnbsec-device;object=device;type=private"
pin_file = "token/user.pin"

[certificates]
device_chain = "pki/chains/device.chain.pem"
trust_anchors = "/abs/trust.pem"

[segw]
address = "192.168.77.1"
fqdn = "segw.lab.test"
remote_networks = ["10.78.0.0/24"]

[backhaul]
interface = "hxab12-v0"
address = "192.168.77.2"
)";

class HenbConfigTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = fs::temp_directory_path() / ("henb-config-" + std::to_string(::getpid()) + "-" +
                                            ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir_);
    }
    void TearDown() override { fs::remove_all(dir_); }

    fs::path write(const std::string& text) {
        auto path = dir_ / "henb.toml";
        std::ofstream(path) << text;
        return path;
    }
    std::string error_of(const std::string& text) {
        auto config = load_henb_config(write(text));
        EXPECT_FALSE(config.ok());
        return config.ok() ? std::string() : config.error().message();
    }

    fs::path dir_;
};

TEST_F(HenbConfigTest, MinimalFileGetsDefaultsAndAbsolutePaths) {
    auto config = load_henb_config(write(kMinimal));
    ASSERT_TRUE(config.ok()) << config.error().message();
    const auto& c = config.value();
    EXPECT_EQ(c.device.identity, "00A0C9000001.hnb.lab.test");
    EXPECT_EQ(c.device.state_dir, dir_ / "state");
    EXPECT_EQ(c.device.control_socket, dir_ / "state" / "control.sock");
    EXPECT_EQ(c.device.log_file, dir_ / "state" / "console.log");
    EXPECT_EQ(c.device.image_sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(c.token.pin_file, dir_ / "token" / "user.pin");
    EXPECT_EQ(c.certificates.trust_anchors, fs::path("/abs/trust.pem"));
    EXPECT_EQ(c.segw.port, 500);
    EXPECT_TRUE(c.segw.ocsp_request);
    EXPECT_TRUE(c.segw.ocsp_required);
    EXPECT_EQ(c.tunnel.interface, "henb0");
    EXPECT_FALSE(c.time.has_value());
    EXPECT_FALSE(c.hems.has_value());
    EXPECT_TRUE(c.boot.power_on);
    EXPECT_TRUE(c.boot.hpm_present);
}

TEST_F(HenbConfigTest, OptionalSectionsAndDefects) {
    auto config = load_henb_config(write(std::string(kMinimal) + R"(
[time]
server = "10.78.0.123"
inside = false
timeout_ms = 500
[hems]
url = "https://10.78.0.10:7547/cwmp"
[boot]
defects = ["wrong-idi", "accept-tls10"]
)"));
    ASSERT_TRUE(config.ok()) << config.error().message();
    ASSERT_TRUE(config.value().time.has_value());
    EXPECT_FALSE(config.value().time->inside);
    EXPECT_EQ(config.value().time->timeout, std::chrono::milliseconds(500));
    ASSERT_TRUE(config.value().hems.has_value());
    EXPECT_TRUE(config.value().hems->inside);
    EXPECT_EQ(config.value().boot.defects.size(), 2U);
}

TEST_F(HenbConfigTest, EveryProblemIsReportedWithItsKey) {
    std::string text = kMinimal;
    text.replace(text.find("192.168.77.1"), 12, "segw.example");
    text += "[boot]\ndefects = [\"no-such-defect\"]\ncolour = \"red\"\n[extra]\nx = 1\n";
    const auto message = error_of(text);
    EXPECT_NE(message.find("segw.address: must be an IPv4 or IPv6 address"), std::string::npos) << message;
    EXPECT_NE(message.find("unknown defect 'no-such-defect'"), std::string::npos) << message;
    EXPECT_NE(message.find("boot.colour: unknown key"), std::string::npos) << message;
    EXPECT_NE(message.find("[extra]: unknown section"), std::string::npos) << message;
}

TEST_F(HenbConfigTest, MissingSectionsAndPinSources) {
    const auto message = error_of("[device]\nidentity = \"x.y\"\n");
    EXPECT_NE(message.find("[token]: section required"), std::string::npos) << message;
    EXPECT_NE(message.find("device.image: required"), std::string::npos) << message;

    std::string both = kMinimal;
    both.replace(both.find("pin_file"), 0, "pin_env = \"HNBSEC_PIN\"\n");
    EXPECT_NE(error_of(both).find("exactly one of pin_file and pin_env"), std::string::npos);

    std::string pin_in_uri = kMinimal;
    pin_in_uri.replace(pin_in_uri.find(";type=private"), 0, ";pin-value=1234");
    EXPECT_NE(error_of(pin_in_uri).find("must not carry pin-value"), std::string::npos);
}

TEST_F(HenbConfigTest, SyntaxErrorNamesLine) {
    const auto message = error_of("[device\nidentity = 1\n");
    EXPECT_NE(message.find("henb.toml:1:"), std::string::npos) << message;
}

}  // namespace
}  // namespace hnbsec::emulator
