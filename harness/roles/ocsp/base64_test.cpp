#include "harness/roles/ocsp/base64.h"

#include <gtest/gtest.h>

namespace hnbsec::ocsp {
namespace {

TEST(Base64, RoundTripsEveryPaddingLength) {
    for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
        std::vector<std::uint8_t> bytes(text.begin(), text.end());
        auto encoded = base64_encode(bytes);
        auto decoded = base64_decode(encoded);
        ASSERT_TRUE(decoded.ok()) << encoded;
        EXPECT_EQ(*decoded, bytes);
    }
    EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{'f', 'o', 'o', 'b'}), "Zm9vYg==");
}

TEST(Base64, RefusesMalformedText) {
    for (std::string_view bad : {"Zm9", "Zm9v!A==", "Z===", "Zg==Zg==", "Zm=v"}) {
        EXPECT_FALSE(base64_decode(bad).ok()) << bad;
    }
}

TEST(PercentDecode, DecodesEscapesAndRefusesBrokenOnes) {
    EXPECT_EQ(*percent_decode("MEIw%2BQ%2f%3D"), "MEIw+Q/=");
    EXPECT_FALSE(percent_decode("abc%2").ok());
    EXPECT_FALSE(percent_decode("abc%zz").ok());
}

}  // namespace
}  // namespace hnbsec::ocsp
