#include "emulator/tre/image_check.h"

#include <gtest/gtest.h>

#include "emulator/tre/test_support.h"

namespace hnbsec::emulator::tre {
namespace {

using testing::TempDir;

// SHA-256("abc"), FIPS 180-2 appendix B.1.
constexpr const char* kAbcSha256 = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

TEST(ImageCheck, HashesAKnownVector) {
    const TempDir dir;
    const auto image = dir.write("image.bin", "abc");
    const auto digest = sha256_file(image);
    ASSERT_TRUE(digest) << digest.error().message();
    EXPECT_EQ(*digest, kAbcSha256);
}

TEST(ImageCheck, HashesAFileLargerThanOneChunk) {
    const TempDir dir;
    const auto image = dir.write("image.bin", std::string(std::size_t{200} * 1024, 'a'));
    const auto digest = sha256_file(image);
    ASSERT_TRUE(digest);
    EXPECT_EQ(digest->size(), 64U);
}

TEST(ImageCheck, PassesOnMatchInEitherCase) {
    const TempDir dir;
    const auto image = dir.write("image.bin", "abc");
    EXPECT_TRUE(check_image(image, kAbcSha256));
    std::string upper = kAbcSha256;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(check_image(image, upper));
}

TEST(ImageCheck, MismatchQuotesBothDigests) {
    const TempDir dir;
    const auto image = dir.write("image.bin", "abd");
    const Status status = check_image(image, kAbcSha256);
    ASSERT_FALSE(status);
    EXPECT_NE(status.error().message().find("reference value is " + std::string(kAbcSha256)),
              std::string::npos);
    EXPECT_NE(status.error().message().find("image.bin has SHA-256"), std::string::npos);
}

TEST(ImageCheck, MissingImageIsAFailure) {
    const TempDir dir;
    const Status status = check_image(dir.path() / "absent.bin", kAbcSha256);
    ASSERT_FALSE(status);
    EXPECT_NE(status.error().message().find("cannot open image"), std::string::npos);
}

TEST(ImageCheck, MalformedReferenceIsAFailure) {
    const TempDir dir;
    const auto image = dir.write("image.bin", "abc");
    EXPECT_FALSE(check_image(image, "abc"));
    EXPECT_FALSE(check_image(image, std::string(64, 'g')));
    EXPECT_FALSE(check_image(image, ""));
}

}  // namespace
}  // namespace hnbsec::emulator::tre
