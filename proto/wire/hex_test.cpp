#include "proto/wire/hex.h"

#include <gtest/gtest.h>

namespace hnbsec::wire {
namespace {

TEST(Hex, RoundTrips) {
    std::vector<std::uint8_t> bytes = {0x00, 0x1f, 0xa0, 0xff};
    EXPECT_EQ(to_hex(bytes), "001fa0ff");
    auto back = from_hex("001FA0ff");
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, bytes);
}

TEST(Hex, IgnoresWhitespace) {
    auto bytes = from_hex(" 00 1f\n a0\tff \r\n");
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), 4u);
}

TEST(Hex, RejectsOddDigitCount) {
    auto bad = from_hex("abc");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what(), "hex text: odd number of hex digits");
}

TEST(Hex, RejectsNonHexCharacters) {
    auto bad = from_hex("00zz");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what(), "hex text: character 0x7a at position 2 is not a hex digit");
}

TEST(Hex, EmptyIsEmpty) {
    EXPECT_EQ(to_hex({}), "");
    auto none = from_hex("");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace hnbsec::wire
