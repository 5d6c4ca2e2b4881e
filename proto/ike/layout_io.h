#pragma once
// Internal to the codec. The two "directions" a payload layout (payload_layouts.h) is
// run in: LayoutDecoder fills a struct from a bounded ByteReader, LayoutEncoder writes
// a struct to a ByteWriter. Both offer the same operations with the same names, so
// each layout is written once as a template over the direction, in wire order, in the
// RFC's field names (the idea of strongSwan's encoding-rule tables, in C++ templates):
//
//   uint(field, width, "Name")        an unsigned field or enum of `width` octets
//   reserved(field, width, "Name")    the same, but all-ones under EncodeFaults::set_reserved_bits
//   flag_and_type(flag, type, "Name") 16 bits: a flag bit then a 15-bit type (AF, R bits)
//   count(container, width, "Name")   a size field: octets of a byte string or number of
//                                     elements that a later fill()/each() holds
//   fill(bytes, "Name")               the byte string count() sized
//   fixed_bytes(bytes, n, "Name")     exactly n octets
//   rest(bytes, "Name")               every octet up to the end of the structure
//   last_substruc(more, "Name")       0 for the last element, `more` otherwise (§3.3.1)
//   length(width, covers, "Name", fn) a length field; fn(io) handles what it covers
//   each(vector, "label", fn)         elements sized by an earlier count()
//   each_until_end(vector, "label", fn) elements up to the end of the structure
//
// Decoding is strict about what the encoder derives (lengths, counts, Last Substruc), so
// every accepted input re-encodes to the same bytes, and errors name the field and its
// offset in the whole message.

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/result.h"
#include "proto/ike/payloads.h"
#include "proto/wire/byte_reader.h"
#include "proto/wire/byte_writer.h"

namespace hnbsec::ike::detail {

// What a length field counts.
enum class LengthCovers {
    kStructure,  // the whole substructure, from its first octet (proposal, transform, selector)
    kValue,      // only what follows the length field (attribute values)
};

// "label 3: what" — errors read outside-in, one line, like the message a user sees.
inline Error prefixed(std::string_view label, std::size_t index, const Error& error) {
    return Error(std::string(label) + " " + std::to_string(index) + ": " + error.what());
}

template <typename T>
std::uint64_t as_unsigned(T value) {
    if constexpr (std::is_enum_v<T>) {
        return static_cast<std::uint64_t>(static_cast<std::underlying_type_t<T>>(value));
    } else {
        return static_cast<std::uint64_t>(value);
    }
}

inline std::string bytes_text(std::size_t n) {
    return std::to_string(n) + (n == 1 ? " byte" : " bytes");
}

class LayoutDecoder {
public:
    static constexpr bool kDecoding = true;

    // `structure_start` is the offset of the current structure's first octet, which a
    // LengthCovers::kStructure length counts from.
    LayoutDecoder(wire::ByteReader& reader, std::size_t structure_start)
        : reader_(reader), start_(structure_start) {}

    std::size_t remaining() const { return reader_.remaining(); }

    template <typename T>
    Status uint(T& field, std::size_t width, std::string_view name) {
        assert(width <= sizeof(T));
        HNBSEC_TRY(std::uint64_t value, read(width, name));
        field = static_cast<T>(value);
        return Ok{};
    }

    template <typename T>
    Status reserved(T& field, std::size_t width, std::string_view name) {
        return uint(field, width, name);
    }

    template <typename T>
    Status flag_and_type(bool& flag, T& type, std::string_view name) {
        HNBSEC_TRY(std::uint16_t value, reader_.u16(name));
        flag = (value & 0x8000) != 0;
        type = static_cast<T>(value & 0x7fff);
        return Ok{};
    }

    // Sizes `container` from a count field. Each element takes at least
    // `min_element_bytes` octets, so an impossible count fails here, before any
    // allocation it would otherwise cause.
    template <typename Container>
    Status count(Container& container, std::size_t width, std::string_view name,
                 std::size_t min_element_bytes) {
        std::size_t field_offset = reader_.offset();
        HNBSEC_TRY(std::uint64_t n, read(width, name));
        if (min_element_bytes > 0 && n > reader_.remaining() / min_element_bytes) {
            return Error(std::string(name) + " " + std::to_string(n) + " at offset " +
                         std::to_string(field_offset) + " needs at least " +
                         bytes_text(n * min_element_bytes) + ", " + bytes_text(reader_.remaining()) +
                         " left");
        }
        container.clear();
        container.resize(n);
        return Ok{};
    }

    Status fill(Bytes& data, std::string_view name) { return fixed_bytes(data, data.size(), name); }

    Status fixed_bytes(Bytes& data, std::size_t size, std::string_view name) {
        HNBSEC_TRY(auto bytes, reader_.bytes(size, name));
        data.assign(bytes.begin(), bytes.end());
        return Ok{};
    }

    Status rest(Bytes& data, std::string_view /*name*/) {
        auto bytes = reader_.rest();
        data.assign(bytes.begin(), bytes.end());
        return Ok{};
    }

    // RFC 7296 §3.3.1/§3.3.2: 0 marks the last proposal/transform, 2/3 announce more.
    // Read here, checked against the element's position by each()/each_until_end().
    Status last_substruc(std::uint8_t more, std::string_view name) {
        marker_offset_ = reader_.offset();
        HNBSEC_TRY(std::uint8_t value, reader_.u8(name));
        if (value != 0 && value != more) {
            return Error(std::string(name) + " " + std::to_string(value) + " at offset " +
                         std::to_string(marker_offset_) + " is neither 0 (last) nor " + std::to_string(more) +
                         " (more)");
        }
        marker_ = value;
        marker_name_ = name;
        return Ok{};
    }

    template <typename Fn>
    Status length(std::size_t width, LengthCovers covers, std::string_view name, Fn&& fn) {
        std::size_t field_offset = reader_.offset();
        HNBSEC_TRY(std::uint64_t value, read(width, name));
        std::size_t before = covers == LengthCovers::kStructure ? reader_.offset() - start_ : 0;
        std::size_t from = covers == LengthCovers::kStructure ? start_ : reader_.offset();
        if (value < before) {
            return Error(std::string(name) + " " + std::to_string(value) + " at offset " +
                         std::to_string(field_offset) + " is less than the " + bytes_text(before) +
                         " up to and including it");
        }
        std::size_t body = value - before;
        if (body > reader_.remaining()) {
            return Error(std::string(name) + " " + std::to_string(value) + " exceeds the remaining " +
                         bytes_text(reader_.remaining() + before) + " at offset " + std::to_string(from));
        }
        HNBSEC_TRY(wire::ByteReader inner_reader, reader_.sub(body, name));
        LayoutDecoder inner(inner_reader, start_);
        HNBSEC_CHECK(fn(inner));
        if (!inner_reader.empty()) {
            return Error(std::string(name) + " " + std::to_string(value) + " covers " +
                         bytes_text(inner_reader.remaining()) + " after the last field, at offset " +
                         std::to_string(inner_reader.offset()));
        }
        return Ok{};
    }

    template <typename Elem, typename Fn>
    Status each(std::vector<Elem>& elements, std::string_view label, Fn&& fn) {
        for (std::size_t i = 0; i < elements.size(); ++i) {
            LayoutDecoder element(reader_, reader_.offset());
            Status status = fn(element, elements[i]);
            if (status.ok()) status = element.check_last(i + 1 == elements.size(), label);
            if (!status.ok()) return prefixed(label, i + 1, status.error());
        }
        return Ok{};
    }

    template <typename Elem, typename Fn>
    Status each_until_end(std::vector<Elem>& elements, std::string_view label, Fn&& fn) {
        elements.clear();
        while (!reader_.empty()) {
            std::size_t before = reader_.remaining();
            LayoutDecoder element(reader_, reader_.offset());
            Status status = fn(element, elements.emplace_back());
            if (status.ok()) status = element.check_last(reader_.empty(), label);
            if (status.ok() && reader_.remaining() == before) {
                // Cannot happen with the layouts here (each element has a fixed part);
                // kept so that a future layout cannot make this loop spin.
                status = Error("element at offset " + std::to_string(reader_.offset()) + " took no bytes");
            }
            if (!status.ok()) return prefixed(label, elements.size(), status.error());
        }
        return Ok{};
    }

private:
    Result<std::uint64_t> read(std::size_t width, std::string_view name) {
        HNBSEC_TRY(auto bytes, reader_.bytes(width, name));
        std::uint64_t value = 0;
        for (std::uint8_t b : bytes) value = (value << 8) | b;
        return value;
    }

    // The element's Last Substruc must agree with its position.
    Status check_last(bool is_last, std::string_view label) const {
        if (!marker_) return Ok{};
        if (is_last && *marker_ != 0) {
            return Error(std::string(marker_name_) + " " + std::to_string(*marker_) + " at offset " +
                         std::to_string(marker_offset_) + " announces another " + std::string(label) +
                         ", but this is the last");
        }
        if (!is_last && *marker_ == 0) {
            return Error(std::string(marker_name_) + " 0 at offset " + std::to_string(marker_offset_) +
                         " marks the last " + std::string(label) + ", but more follow");
        }
        return Ok{};
    }

    wire::ByteReader& reader_;
    std::size_t start_;
    std::optional<std::uint8_t> marker_;
    std::size_t marker_offset_ = 0;
    std::string_view marker_name_;
};

class LayoutEncoder {
public:
    static constexpr bool kDecoding = false;

    LayoutEncoder(wire::ByteWriter& writer, std::size_t structure_start, bool set_reserved_bits,
                  bool is_last = true)
        : writer_(writer), start_(structure_start), set_reserved_(set_reserved_bits), last_(is_last) {}

    template <typename T>
    Status uint(const T& field, std::size_t width, std::string_view name) {
        return write(as_unsigned(field), width, name);
    }

    template <typename T>
    Status reserved(const T& field, std::size_t width, std::string_view name) {
        if (set_reserved_) return write(all_ones(width), width, name);
        return uint(field, width, name);
    }

    template <typename T>
    Status flag_and_type(bool flag, const T& type, std::string_view name) {
        std::uint64_t value = as_unsigned(type);
        if (value > 0x7fff)
            return Error(std::string(name) + " " + std::to_string(value) + " does not fit 15 bits");
        writer_.u16(static_cast<std::uint16_t>((flag ? 0x8000 : 0) | value));
        return Ok{};
    }

    template <typename Container>
    Status count(const Container& container, std::size_t width, std::string_view name,
                 std::size_t /*min_element_bytes*/) {
        return write(container.size(), width, name);
    }

    Status fill(const Bytes& data, std::string_view /*name*/) {
        writer_.bytes(data);
        return Ok{};
    }

    Status fixed_bytes(const Bytes& data, std::size_t size, std::string_view name) {
        if (data.size() != size) {
            return Error(std::string(name) + " has " + bytes_text(data.size()) + ", " + std::to_string(size) +
                         " expected");
        }
        writer_.bytes(data);
        return Ok{};
    }

    Status rest(const Bytes& data, std::string_view /*name*/) {
        writer_.bytes(data);
        return Ok{};
    }

    Status last_substruc(std::uint8_t more, std::string_view /*name*/) {
        writer_.u8(last_ ? 0 : more);
        return Ok{};
    }

    template <typename Fn>
    Status length(std::size_t width, LengthCovers covers, std::string_view name, Fn&& fn) {
        auto slot = writer_.reserve(width);
        std::size_t from = covers == LengthCovers::kStructure ? start_ : writer_.size();
        LayoutEncoder inner(writer_, start_, set_reserved_);
        HNBSEC_CHECK(fn(inner));
        std::size_t value = writer_.written_since(from);
        if (!fits(value, width)) {
            return Error(std::string(name) + " " + std::to_string(value) + " does not fit " +
                         bytes_text(width));
        }
        writer_.patch(slot, value);
        return Ok{};
    }

    template <typename Elem, typename Fn>
    Status each(const std::vector<Elem>& elements, std::string_view label, Fn&& fn) {
        for (std::size_t i = 0; i < elements.size(); ++i) {
            LayoutEncoder element(writer_, writer_.size(), set_reserved_, i + 1 == elements.size());
            Status status = fn(element, elements[i]);
            if (!status.ok()) return prefixed(label, i + 1, status.error());
        }
        return Ok{};
    }

    template <typename Elem, typename Fn>
    Status each_until_end(const std::vector<Elem>& elements, std::string_view label, Fn&& fn) {
        return each(elements, label, fn);
    }

private:
    static bool fits(std::uint64_t value, std::size_t width) {
        return width >= 8 || (value >> (8 * width)) == 0;
    }
    static std::uint64_t all_ones(std::size_t width) {
        return width >= 8 ? std::numeric_limits<std::uint64_t>::max() : (std::uint64_t{1} << (8 * width)) - 1;
    }

    Status write(std::uint64_t value, std::size_t width, std::string_view name) {
        if (!fits(value, width)) {
            return Error(std::string(name) + " " + std::to_string(value) + " does not fit " +
                         bytes_text(width));
        }
        writer_.uint(value, width);
        return Ok{};
    }

    wire::ByteWriter& writer_;
    std::size_t start_;
    bool set_reserved_;
    bool last_;
};

}  // namespace hnbsec::ike::detail
