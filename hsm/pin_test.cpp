#include "hsm/pin.h"

#include <cstdlib>
#include <fstream>
#include <ostream>
#include <string>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "hsm/test_support.h"

namespace hnbsec::hsm {
namespace {

using testing::TempDir;

std::filesystem::path write_file(const TempDir& dir, const std::string& name, const std::string& content,
                                 mode_t mode = 0600) {
    auto path = dir.path() / name;
    std::ofstream(path, std::ios::binary) << content;
    ::chmod(path.c_str(), mode);
    return path;
}

std::string secret(const Pin& pin) {
    return std::string(pin.secret_data(), pin.secret_size());
}

TEST(PinSource, FileDropsOneTrailingNewline) {
    TempDir dir;
    auto pin = PinSource::file(write_file(dir, "pin", "s3cret\n")).read();
    ASSERT_TRUE(pin.ok()) << pin.error().message();
    EXPECT_EQ(secret(*pin), "s3cret");
    EXPECT_EQ(pin->secret_data()[pin->secret_size()], '\0');
    EXPECT_NE(pin->origin().find("PIN file"), std::string::npos);
}

TEST(PinSource, FileKeepsPinWithoutNewlineAndDropsCrLf) {
    TempDir dir;
    auto plain = PinSource::file(write_file(dir, "a", "1234")).read();
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(secret(*plain), "1234");
    auto windows = PinSource::file(write_file(dir, "b", "1234\r\n")).read();
    ASSERT_TRUE(windows.ok());
    EXPECT_EQ(secret(*windows), "1234");
}

TEST(PinSource, MissingFileIsClearError) {
    TempDir dir;
    auto pin = PinSource::file(dir.path() / "absent.pin").read();
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("cannot read PIN file"), std::string::npos) << pin.error().what();
    EXPECT_NE(pin.error().what().find("absent.pin"), std::string::npos);
}

TEST(PinSource, EmptyFileRefused) {
    TempDir dir;
    for (const char* content : {"", "\n"}) {
        auto pin = PinSource::file(write_file(dir, "empty", content)).read();
        ASSERT_FALSE(pin.ok());
        EXPECT_NE(pin.error().what().find("is empty"), std::string::npos) << pin.error().what();
    }
}

TEST(PinSource, MultiLineFileRefusedWithoutEchoingIt) {
    TempDir dir;
    auto pin = PinSource::file(write_file(dir, "two", "first-secret\nsecond\n")).read();
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("more than one line"), std::string::npos);
    EXPECT_EQ(pin.error().message().find("first-secret"), std::string::npos);
}

TEST(PinSource, GroupOrWorldWritableFileRefused) {
    TempDir dir;
    auto pin = PinSource::file(write_file(dir, "lax", "1234", 0666)).read();
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("chmod 600"), std::string::npos) << pin.error().what();
    EXPECT_EQ(pin.error().message().find("1234"), std::string::npos);
}

TEST(PinSource, WorldReadableFileAccepted) {
    TempDir dir;
    auto pin = PinSource::file(write_file(dir, "lab", "1234", 0644)).read();
    ASSERT_TRUE(pin.ok()) << pin.error().message();
}

TEST(PinSource, DirectoryRefused) {
    TempDir dir;
    auto pin = PinSource::file(dir.path()).read();
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("not a regular file"), std::string::npos);
}

TEST(PinSource, EnvironmentVariable) {
    ::setenv("HNBSEC_TEST_PIN", "env-pin-42", 1);
    auto pin = PinSource::environment("HNBSEC_TEST_PIN").read();
    ::unsetenv("HNBSEC_TEST_PIN");
    ASSERT_TRUE(pin.ok()) << pin.error().message();
    EXPECT_EQ(secret(*pin), "env-pin-42");
    EXPECT_EQ(pin->origin(), "environment variable HNBSEC_TEST_PIN");
}

TEST(PinSource, UnsetEnvironmentVariableIsClearError) {
    ::unsetenv("HNBSEC_TEST_PIN_UNSET");
    auto pin = PinSource::environment("HNBSEC_TEST_PIN_UNSET").read();
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("HNBSEC_TEST_PIN_UNSET is not set"), std::string::npos)
        << pin.error().what();
}

TEST(PinSource, EmptyEnvironmentVariableRefused) {
    ::setenv("HNBSEC_TEST_PIN_EMPTY", "", 1);
    auto pin = PinSource::environment("HNBSEC_TEST_PIN_EMPTY").read();
    ::unsetenv("HNBSEC_TEST_PIN_EMPTY");
    ASSERT_FALSE(pin.ok());
    EXPECT_NE(pin.error().what().find("is empty"), std::string::npos);
}

TEST(Pin, MoveLeavesSourceEmpty) {
    Pin a = Pin::from_secret("abcd", "test");
    Pin b = std::move(a);
    EXPECT_EQ(secret(b), "abcd");
    EXPECT_EQ(a.secret_size(), 0u);  // NOLINT(bugprone-use-after-move): checking the moved-from state
    EXPECT_EQ(a.secret_data(), nullptr);
}

// Pin must not be printable or convertible to a string by accident.
static_assert(!std::is_convertible_v<Pin, std::string>);
static_assert(!std::is_convertible_v<Pin, std::string_view>);
static_assert(!std::is_copy_constructible_v<Pin>);
template <typename T>
concept Streamable = requires(std::ostream& out, const T& value) {
    out << value;
};
static_assert(!Streamable<Pin>);

}  // namespace
}  // namespace hnbsec::hsm
