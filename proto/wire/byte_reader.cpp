#include "proto/wire/byte_reader.h"

#include <string>

namespace hnbsec::wire {
namespace {

std::string plural_bytes(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

// Reads `width` bytes known to be available as one big-endian number.
std::uint64_t big_endian(std::span<const std::uint8_t> bytes) {
    std::uint64_t value = 0;
    for (std::uint8_t b : bytes) value = (value << 8) | b;
    return value;
}

}  // namespace

Status ByteReader::need(std::size_t n, std::string_view field) const {
    if (n <= data_.size()) return Ok{};
    return Error(std::string(field) + ": " + plural_bytes(n) + " needed at offset " +
                 std::to_string(offset_) + ", " + plural_bytes(data_.size()) + " left");
}

std::span<const std::uint8_t> ByteReader::take(std::size_t n) {
    auto taken = data_.first(n);
    data_ = data_.subspan(n);
    offset_ += n;
    return taken;
}

Result<std::uint8_t> ByteReader::u8(std::string_view field) {
    HNBSEC_CHECK(need(1, field));
    return take(1)[0];
}

Result<std::uint16_t> ByteReader::u16(std::string_view field) {
    HNBSEC_CHECK(need(2, field));
    return static_cast<std::uint16_t>(big_endian(take(2)));
}

Result<std::uint32_t> ByteReader::u24(std::string_view field) {
    HNBSEC_CHECK(need(3, field));
    return static_cast<std::uint32_t>(big_endian(take(3)));
}

Result<std::uint32_t> ByteReader::u32(std::string_view field) {
    HNBSEC_CHECK(need(4, field));
    return static_cast<std::uint32_t>(big_endian(take(4)));
}

Result<std::uint64_t> ByteReader::u64(std::string_view field) {
    HNBSEC_CHECK(need(8, field));
    return big_endian(take(8));
}

Result<std::span<const std::uint8_t>> ByteReader::bytes(std::size_t n, std::string_view field) {
    HNBSEC_CHECK(need(n, field));
    return take(n);
}

Status ByteReader::skip(std::size_t n, std::string_view field) {
    HNBSEC_CHECK(need(n, field));
    take(n);
    return Ok{};
}

Result<ByteReader> ByteReader::sub(std::size_t n, std::string_view field) {
    HNBSEC_CHECK(need(n, field));
    std::size_t start = offset_;
    return ByteReader(take(n), start);
}

std::span<const std::uint8_t> ByteReader::rest() {
    return take(data_.size());
}

}  // namespace hnbsec::wire
