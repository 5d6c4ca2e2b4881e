// DeviceKey on a real SoftHSM2 token (a fresh store per test): the key signs on the token,
// the PIN comes from a file or the environment and never shows in an error.

#include "emulator/tre/device_key.h"

#include <fstream>

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "hsm/test_support.h"

namespace hnbsec::emulator::tre {
namespace {

using hsm::EcCurve;
using hsm::KeySpec;

class DeviceKeyTest : public hsm::testing::SoftHsmTest {
protected:
    TokenSection token_section() {
        const hsm::TokenKey key = generate(KeySpec::ec(EcCurve::kP256), "device", 0x01);
        TokenSection section;
        section.module = hsm::Pkcs11Module::kSoftHsmPath;
        section.key_uri = token_->uri(key).format();
        return section;
    }

    std::filesystem::path pin_file(const std::string& pin) {
        auto path = dir_.path() / "user.pin";
        std::ofstream(path) << pin << "\n";
        ::chmod(path.c_str(), 0600);
        return path;
    }
};

TEST_F(DeviceKeyTest, SignsOnTheTokenWithThePinFromAFile) {
    TokenSection section = token_section();
    section.pin_file = pin_file(hsm::testing::kUserPin);
    const char* conf = std::getenv("SOFTHSM2_CONF");
    ASSERT_NE(conf, nullptr);
    section.softhsm_conf = conf;
    auto key = DeviceKey::open(section);
    ASSERT_TRUE(key) << key.error().message();
    ASSERT_NE(key->pkey(), nullptr);

    const auto message = hsm::testing::bytes("IKE_AUTH octets");
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    ASSERT_EQ(EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key->pkey()), 1);
    std::size_t size = 0;
    ASSERT_EQ(EVP_DigestSign(ctx.get(), nullptr, &size, message.data(), message.size()), 1);
    std::vector<std::uint8_t> signature(size);
    ASSERT_EQ(EVP_DigestSign(ctx.get(), signature.data(), &size, message.data(), message.size()), 1);
    signature.resize(size);
    EXPECT_TRUE(hsm::testing::verifies(key->pkey(), "SHA256", message, signature));
}

TEST_F(DeviceKeyTest, PinFromTheEnvironment) {
    TokenSection section = token_section();
    ASSERT_EQ(::setenv("HNBSEC_EMU_TEST_PIN", hsm::testing::kUserPin, 1), 0);
    section.pin_env = "HNBSEC_EMU_TEST_PIN";
    auto key = DeviceKey::open(section);
    ::unsetenv("HNBSEC_EMU_TEST_PIN");
    ASSERT_TRUE(key) << key.error().message();
}

TEST_F(DeviceKeyTest, MissingPinSourceIsAnError) {
    auto key = DeviceKey::open(token_section());
    ASSERT_FALSE(key);
    EXPECT_NE(key.error().message().find("pin_file or pin_env"), std::string::npos);
}

// (A wrong PIN cannot be shown here: the fixture's Token is logged in already and PKCS#11
// login is per process, see hsm/libp11_key.h.)
TEST_F(DeviceKeyTest, UnknownKeyIsAnErrorThatNeverQuotesThePin) {
    TokenSection section = token_section();
    section.key_uri = "pkcs11:token=hnbsec-test;object=absent;type=private";
    section.pin_file = pin_file(hsm::testing::kUserPin);
    auto key = DeviceKey::open(section);
    ASSERT_FALSE(key);
    EXPECT_EQ(key.error().message().find(hsm::testing::kUserPin), std::string::npos) << key.error().message();
}

}  // namespace
}  // namespace hnbsec::emulator::tre
