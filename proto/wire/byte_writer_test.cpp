#include "proto/wire/byte_writer.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "proto/wire/hex.h"

namespace hnbsec::wire {
namespace {

std::string hex_of(ByteWriter& w) {
    return to_hex(w.view());
}

TEST(ByteWriter, WritesBigEndian) {
    ByteWriter w;
    w.u8(0x01);
    w.u16(0x0203);
    w.u24(0x040506);
    w.u32(0x0708090a);
    w.u64(0x0b0c0d0e0f101112ull);
    EXPECT_EQ(hex_of(w), "0102030405060708090a0b0c0d0e0f101112");
    EXPECT_EQ(w.size(), 18u);
}

TEST(ByteWriter, UintOfAnyWidthTruncatesToLowOrderBytes) {
    ByteWriter w;
    w.uint(0xaabbccdd, 3);
    w.uint(0x1ff, 1);
    w.u24(0xff123456);
    EXPECT_EQ(hex_of(w), "bbccddff123456");
}

TEST(ByteWriter, AppendsBytes) {
    ByteWriter w;
    std::vector<std::uint8_t> data = {0xde, 0xad};
    w.bytes(data);
    w.bytes(std::span<const std::uint8_t>{});
    EXPECT_EQ(hex_of(w), "dead");
}

TEST(ByteWriter, ReservesAndPatchesLengthFields) {
    ByteWriter w;
    w.u8(0x21);
    std::size_t start = w.size();
    auto length = w.reserve(2);
    EXPECT_EQ(length.position(), 1u);
    EXPECT_EQ(length.width(), 2u);
    w.u32(0xcafebabe);
    EXPECT_EQ(hex_of(w), "210000cafebabe");
    w.patch(length, w.written_since(start));
    EXPECT_EQ(hex_of(w), "210006cafebabe");
}

TEST(ByteWriter, PatchesNestedSlotsIndependently) {
    ByteWriter w;
    auto outer = w.reserve(4);
    auto inner = w.reserve(1);
    w.u8(0x99);
    w.patch(inner, 0x1234);  // truncated to one byte
    w.patch(outer, 0x01020304);
    EXPECT_EQ(hex_of(w), "010203043499");
}

TEST(ByteWriter, TakeMovesBufferOut) {
    ByteWriter w;
    w.u16(0xbeef);
    std::vector<std::uint8_t> out = std::move(w).take();
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0xbe, 0xef}));
}

}  // namespace
}  // namespace hnbsec::wire
