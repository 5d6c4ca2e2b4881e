#pragma once
// ByteReader: a bounded, forward-only view over part of a received message, in the
// spirit of BoringSSL's CBS. Every read either stays inside the bounds or fails with
// an Error that names the field, its offset in the whole message and how many bytes
// were needed, so a decoder built on it never reads out of bounds and never throws.
// The view can only shrink: reads consume from the front, sub() carves out the next
// n bytes as a reader of their own (a payload inside a message, an attribute inside
// a transform) and skips them here.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "core/result.h"

namespace hnbsec::wire {

class ByteReader {
public:
    // `base_offset` is where data[0] sits in the whole message, so that errors from a
    // reader over an inner part still point into the datagram a user sees in a capture.
    explicit ByteReader(std::span<const std::uint8_t> data, std::size_t base_offset = 0)
        : data_(data), offset_(base_offset) {}

    std::size_t remaining() const { return data_.size(); }
    bool empty() const { return data_.empty(); }
    // Offset of the next unread byte, counted from the start of the whole message.
    std::size_t offset() const { return offset_; }
    // The unread bytes, without consuming them.
    std::span<const std::uint8_t> peek() const { return data_; }

    // Big-endian (network order) unsigned integers. `field` names what is being read,
    // in the specification's words ("Payload Length"), for the error message.
    Result<std::uint8_t> u8(std::string_view field);
    Result<std::uint16_t> u16(std::string_view field);
    Result<std::uint32_t> u24(std::string_view field);
    Result<std::uint32_t> u32(std::string_view field);
    Result<std::uint64_t> u64(std::string_view field);

    // The next n bytes; the span points into the reader's underlying buffer.
    Result<std::span<const std::uint8_t>> bytes(std::size_t n, std::string_view field);
    Status skip(std::size_t n, std::string_view field);
    // The next n bytes as a reader of their own (with the right base offset).
    Result<ByteReader> sub(std::size_t n, std::string_view field);
    // Everything that is left; never fails.
    std::span<const std::uint8_t> rest();

private:
    // Fails unless n bytes remain; the error quotes field, offset and shortfall.
    Status need(std::size_t n, std::string_view field) const;
    // Consumes n bytes known to be available.
    std::span<const std::uint8_t> take(std::size_t n);

    std::span<const std::uint8_t> data_;
    std::size_t offset_;
};

}  // namespace hnbsec::wire
