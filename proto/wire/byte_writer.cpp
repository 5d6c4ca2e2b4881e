#include "proto/wire/byte_writer.h"

#include <cassert>

namespace hnbsec::wire {

void ByteWriter::u8(std::uint8_t value) {
    buffer_.push_back(value);
}

void ByteWriter::u16(std::uint16_t value) {
    uint(value, 2);
}

void ByteWriter::u24(std::uint32_t value) {
    uint(value, 3);
}

void ByteWriter::u32(std::uint32_t value) {
    uint(value, 4);
}

void ByteWriter::u64(std::uint64_t value) {
    uint(value, 8);
}

void ByteWriter::uint(std::uint64_t value, std::size_t width) {
    assert(width >= 1 && width <= 8);
    for (std::size_t i = width; i-- > 0;) buffer_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

void ByteWriter::bytes(std::span<const std::uint8_t> data) {
    buffer_.insert(buffer_.end(), data.begin(), data.end());
}

ByteWriter::Slot ByteWriter::reserve(std::size_t width) {
    assert(width >= 1 && width <= 8);
    Slot slot(buffer_.size(), width);
    buffer_.resize(buffer_.size() + width, 0);
    return slot;
}

void ByteWriter::patch(Slot slot, std::uint64_t value) {
    assert(slot.position_ + slot.width_ <= buffer_.size());
    for (std::size_t i = 0; i < slot.width_; ++i) {
        std::size_t shift = 8 * (slot.width_ - 1 - i);
        buffer_[slot.position_ + i] = static_cast<std::uint8_t>(value >> shift);
    }
}

}  // namespace hnbsec::wire
