#include "proto/wire/byte_reader.h"

#include <array>
#include <cstdint>
#include <string>

#include <gtest/gtest.h>

namespace hnbsec::wire {
namespace {

constexpr std::array<std::uint8_t, 16> kData = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
                                                0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10};

std::span<const std::uint8_t> all() {
    return kData;
}

TEST(ByteReader, ReadsBigEndianIntegersInOrder) {
    ByteReader r(kData);
    EXPECT_EQ(*r.u8("a"), 0x01);
    EXPECT_EQ(*r.u16("b"), 0x0203);
    EXPECT_EQ(*r.u24("c"), 0x040506u);
    EXPECT_EQ(*r.u32("d"), 0x0708090au);
    EXPECT_EQ(r.offset(), 10u);
    EXPECT_EQ(r.remaining(), 6u);
    auto rest = r.rest();
    ASSERT_EQ(rest.size(), 6u);
    EXPECT_EQ(rest[0], 0x0b);
    EXPECT_TRUE(r.empty());
    EXPECT_EQ(r.offset(), 16u);
}

TEST(ByteReader, ReadsU64) {
    ByteReader r(kData);
    EXPECT_EQ(*r.u64("SPI"), 0x0102030405060708ull);
    EXPECT_EQ(*r.u64("SPI"), 0x090a0b0c0d0e0f10ull);
    EXPECT_TRUE(r.empty());
}

TEST(ByteReader, BaseOffsetCountsFromStartOfMessage) {
    ByteReader r(all().subspan(4), 4);
    EXPECT_EQ(r.offset(), 4u);
    EXPECT_EQ(*r.u8("x"), 0x05);
    EXPECT_EQ(r.offset(), 5u);
}

template <typename T>
Result<std::uint64_t> widen(Result<T> read) {
    if (!read.ok()) return std::move(read).error();
    return std::uint64_t{*read};
}

Result<std::uint64_t> read_width(ByteReader& r, std::size_t width) {
    switch (width) {
        case 1:
            return widen(r.u8("F"));
        case 2:
            return widen(r.u16("F"));
        case 3:
            return widen(r.u24("F"));
        case 4:
            return widen(r.u32("F"));
        default:
            return widen(r.u64("F"));
    }
}

// Every fixed-width read at every shortfall fails, and a failed read consumes nothing.
TEST(ByteReader, EveryOutOfBoundsIntegerReadFails) {
    for (std::size_t width : {1, 2, 3, 4, 8}) {
        for (std::size_t have = 0; have < width; ++have) {
            ByteReader r(all().first(have), 100);
            auto read = read_width(r, width);
            ASSERT_FALSE(read.ok()) << "width " << width << " have " << have;
            auto plural = [](std::size_t n) { return std::to_string(n) + (n == 1 ? " byte" : " bytes"); };
            EXPECT_EQ(read.error().what(),
                      "F: " + plural(width) + " needed at offset 100, " + plural(have) + " left");
            EXPECT_EQ(r.remaining(), have);
            EXPECT_EQ(r.offset(), 100u);
        }
        ByteReader exact(all().first(width));
        EXPECT_TRUE(read_width(exact, width).ok());
        EXPECT_TRUE(exact.empty());
    }
}

TEST(ByteReader, ErrorNamesFieldOffsetAndShortfall) {
    ByteReader r(all().first(3), 210);
    ASSERT_TRUE(r.u16("Payload Length").ok());
    auto bad = r.u32("Message ID");
    ASSERT_FALSE(bad.ok());
    EXPECT_EQ(bad.error().what(), "Message ID: 4 bytes needed at offset 212, 1 byte left");
}

TEST(ByteReader, BytesOutOfBounds) {
    ByteReader r(all().first(4));
    auto too_many = r.bytes(5, "Nonce Data");
    ASSERT_FALSE(too_many.ok());
    EXPECT_EQ(too_many.error().what(), "Nonce Data: 5 bytes needed at offset 0, 4 bytes left");
    EXPECT_EQ(r.remaining(), 4u);
    auto all = r.bytes(4, "Nonce Data");
    ASSERT_TRUE(all.ok());
    EXPECT_EQ(all->size(), 4u);
    auto none = r.bytes(0, "empty");
    ASSERT_TRUE(none.ok());
    EXPECT_TRUE(none->empty());
    EXPECT_FALSE(r.bytes(1, "more").ok());
}

TEST(ByteReader, SkipOutOfBounds) {
    ByteReader r(all().first(2));
    EXPECT_FALSE(r.skip(3, "RESERVED").ok());
    EXPECT_EQ(r.remaining(), 2u);
    EXPECT_TRUE(r.skip(2, "RESERVED").ok());
    EXPECT_TRUE(r.empty());
}

TEST(ByteReader, HugeCountsDoNotOverflow) {
    ByteReader r(kData);
    EXPECT_FALSE(r.bytes(SIZE_MAX, "huge").ok());
    EXPECT_FALSE(r.sub(SIZE_MAX, "huge").ok());
    EXPECT_FALSE(r.skip(SIZE_MAX, "huge").ok());
    EXPECT_EQ(r.remaining(), kData.size());
}

TEST(ByteReader, SubReaderIsBoundedAndKeepsOffsets) {
    ByteReader r(kData, 28);
    ASSERT_TRUE(r.u32("head").ok());
    auto sub = r.sub(4, "payload");
    ASSERT_TRUE(sub.ok());
    EXPECT_EQ(r.offset(), 36u);  // the parent skipped the sub-reader's bytes
    EXPECT_EQ(sub->offset(), 32u);
    EXPECT_EQ(*sub->u16("x"), 0x0506);
    auto past_end = sub->u32("y");
    ASSERT_FALSE(past_end.ok());
    EXPECT_EQ(past_end.error().what(), "y: 4 bytes needed at offset 34, 2 bytes left");
    EXPECT_EQ(*r.u8("next"), 0x09);  // the parent was not affected by the sub-reader's failure
}

TEST(ByteReader, SubReaderLargerThanRemainingFails) {
    ByteReader r(all().first(5));
    auto sub = r.sub(6, "Proposal");
    ASSERT_FALSE(sub.ok());
    EXPECT_EQ(sub.error().what(), "Proposal: 6 bytes needed at offset 0, 5 bytes left");
    EXPECT_EQ(r.remaining(), 5u);
}

TEST(ByteReader, EmptyInput) {
    ByteReader r(std::span<const std::uint8_t>{});
    EXPECT_TRUE(r.empty());
    EXPECT_FALSE(r.u8("x").ok());
    EXPECT_TRUE(r.rest().empty());
    EXPECT_TRUE(r.sub(0, "nothing").ok());
}

TEST(ByteReader, PeekDoesNotConsume) {
    ByteReader r(all().first(3));
    EXPECT_EQ(r.peek().size(), 3u);
    EXPECT_EQ(r.remaining(), 3u);
}

}  // namespace
}  // namespace hnbsec::wire
