#pragma once
// ByteWriter: builds a message front to back in network byte order. Length fields
// that cover bytes not written yet (a payload's length, a proposal's length) are
// reserved first and patched once their extent is known, so every layout is written
// in wire order exactly once.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace hnbsec::wire {

class ByteWriter {
public:
    // A reserved length field; only ByteWriter can make one, so a patch always
    // lands on bytes that were reserved for it.
    class Slot {
    public:
        std::size_t position() const { return position_; }
        std::size_t width() const { return width_; }

    private:
        friend class ByteWriter;
        Slot(std::size_t position, std::size_t width) : position_(position), width_(width) {}
        std::size_t position_;
        std::size_t width_;
    };

    ByteWriter() = default;

    // Values wider than the field are truncated to its low-order bytes, as a cast
    // would; codecs check ranges before writing.
    void u8(std::uint8_t value);
    void u16(std::uint16_t value);
    void u24(std::uint32_t value);
    void u32(std::uint32_t value);
    void u64(std::uint64_t value);
    // An unsigned value in `width` bytes (1 to 8), big-endian.
    void uint(std::uint64_t value, std::size_t width);
    void bytes(std::span<const std::uint8_t> data);

    // Reserves a zero-filled field of 1 to 8 bytes to be patched later.
    Slot reserve(std::size_t width);
    // Writes `value` into a reserved slot (low-order bytes, as above).
    void patch(Slot slot, std::uint64_t value);
    // Bytes written from `position` on; a structure's length is written_since(its start).
    std::size_t written_since(std::size_t position) const { return buffer_.size() - position; }

    std::size_t size() const { return buffer_.size(); }
    std::span<const std::uint8_t> view() const { return buffer_; }
    std::vector<std::uint8_t> take() && { return std::move(buffer_); }

private:
    std::vector<std::uint8_t> buffer_;
};

}  // namespace hnbsec::wire
