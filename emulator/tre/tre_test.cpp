#include "emulator/tre/tre.h"

#include <gtest/gtest.h>

#include "emulator/tre/test_support.h"

namespace hnbsec::emulator::tre {
namespace {

using testing::TempDir;

constexpr const char* kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

class TreTest : public ::testing::Test {
protected:
    Tre make(const std::string& image_content) {
        TreSettings settings{dir_.write("image.bin", image_content), kAbcSha256,
                             dir_.write("chain.pem", testing::self_signed_pem("device"))};
        return Tre(settings, [this]() -> Result<DeviceKey> {
            ++opened_;
            return DeviceKey::from_software_key(testing::make_ec_key());
        });
    }

    TempDir dir_;
    int opened_ = 0;
};

TEST_F(TreTest, ReleasesTheKeyAfterAPassedCheck) {
    Tre tre = make("abc");
    ASSERT_TRUE(tre.check_integrity());
    const auto credentials = tre.release(false);
    ASSERT_TRUE(credentials) << credentials.error().message();
    EXPECT_NE(credentials->key, nullptr);
    EXPECT_EQ(credentials->chain.size(), 1U);
    ASSERT_TRUE(tre.release(false));
    EXPECT_EQ(opened_, 1) << "the key stays open between attempts";
}

TEST_F(TreTest, WithholdsTheKeyAfterAFailedCheck) {  // HNB-REQ-TRE-005
    Tre tre = make("tampered");
    const Status check = tre.check_integrity();
    ASSERT_FALSE(check);
    EXPECT_FALSE(tre.integrity_passed());
    const auto credentials = tre.release(false);
    ASSERT_FALSE(credentials);
    EXPECT_NE(credentials.error().message().find("refuses"), std::string::npos);
    EXPECT_EQ(opened_, 0) << "the token is not even opened";
}

TEST_F(TreTest, WithholdsTheKeyBeforeAnyCheck) {
    Tre tre = make("abc");
    EXPECT_FALSE(tre.release(false));
}

TEST_F(TreTest, IgnoreIntegrityFailureDefectReleasesAnyway) {
    Tre tre = make("tampered");
    ASSERT_FALSE(tre.check_integrity());
    const auto credentials = tre.release(true);
    ASSERT_TRUE(credentials) << credentials.error().message();
    EXPECT_EQ(opened_, 1);
}

TEST_F(TreTest, AKeyThatCannotBeOpenedIsAnError) {
    Tre tre(TreSettings{dir_.write("image.bin", "abc"), kAbcSha256,
                        dir_.write("c.pem", testing::self_signed_pem("d"))},
            []() -> Result<DeviceKey> { return Error("token not found"); });
    ASSERT_TRUE(tre.check_integrity());
    const auto credentials = tre.release(false);
    ASSERT_FALSE(credentials);
    EXPECT_EQ(credentials.error().what(), "token not found");
}

TEST_F(TreTest, ARepeatedCheckReplacesTheVerdict) {
    Tre tre = make("abc");
    ASSERT_TRUE(tre.check_integrity());
    dir_.write("image.bin", "tampered after boot");
    ASSERT_FALSE(tre.check_integrity());
    EXPECT_FALSE(tre.release(false));
}

}  // namespace
}  // namespace hnbsec::emulator::tre
