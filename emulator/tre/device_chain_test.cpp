#include "emulator/tre/device_chain.h"

#include <gtest/gtest.h>

#include "emulator/tre/test_support.h"

namespace hnbsec::emulator::tre {
namespace {

using testing::self_signed_pem;
using testing::TempDir;

TEST(DeviceChain, ReadsEveryCertificateInFileOrder) {
    const TempDir dir;
    const std::string device = self_signed_pem("device");
    const std::string intermediate = self_signed_pem("intermediate");
    const auto file = dir.write("chain.pem", device + intermediate);
    const auto chain = load_device_chain(file);
    ASSERT_TRUE(chain) << chain.error().message();
    ASSERT_EQ(chain->size(), 2U);
    const auto first = load_device_chain(dir.write("first.pem", device));
    ASSERT_TRUE(first);
    EXPECT_EQ((*chain)[0], (*first)[0]);
    EXPECT_NE((*chain)[0], (*chain)[1]);
}

TEST(DeviceChain, EmptyFileIsAnError) {
    const TempDir dir;
    const auto chain = load_device_chain(dir.write("empty.pem", ""));
    ASSERT_FALSE(chain);
    EXPECT_NE(chain.error().message().find("holds no PEM certificate"), std::string::npos);
}

TEST(DeviceChain, BrokenBlockIsAnError) {
    const TempDir dir;
    const auto file = dir.write(
        "broken.pem", self_signed_pem("device") +
                          "-----BEGIN CERTIFICATE-----\nnot base64 !!\n-----END CERTIFICATE-----\n");
    const auto chain = load_device_chain(file);
    ASSERT_FALSE(chain);
    EXPECT_NE(chain.error().message().find("PEM block 2"), std::string::npos) << chain.error().message();
}

TEST(DeviceChain, MissingFileIsAnError) {
    const TempDir dir;
    EXPECT_FALSE(load_device_chain(dir.path() / "absent.pem"));
}

}  // namespace
}  // namespace hnbsec::emulator::tre
