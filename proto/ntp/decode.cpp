#include "proto/ntp/packet.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::ntp {
namespace {

Error packet_error(const std::string& what) {
    return Error("NTP packet: " + what);
}

Result<Timestamp> read_timestamp(wire::ByteReader& reader, std::string_view field) {
    HNBSEC_TRY(auto raw, reader.u64(field));
    return Timestamp::from_raw(raw);
}

// RFC 7822 §3: Field Type, Length (whole field, >= 16, multiple of 4), value + padding.
Result<ExtensionField> read_extension(wire::ByteReader& reader) {
    const std::size_t start = reader.offset();
    HNBSEC_TRY(auto type, reader.u16("Extension Field Type"));
    HNBSEC_TRY(auto length, reader.u16("Extension Field Length"));
    if (length < kMinExtensionLength || length % 4 != 0)
        return packet_error("extension field at offset " + std::to_string(start) + " has Length " +
                            std::to_string(length) +
                            ", expected a multiple of 4 of at least 16 (RFC 7822 §3)");
    HNBSEC_TRY(auto value, reader.bytes(length - 4U, "Extension Field Value"));
    return ExtensionField{type, Bytes(value.begin(), value.end())};
}

// The trailer after the header, parsed as chrony does (RFC 7822 §7.5): a 4-octet
// crypto-NAK, a MAC of 20 or 24 octets (key id + 128- or 160-bit digest), or else an
// extension field, repeatedly. Before NTPv4 there were no extension fields: whatever
// follows the header is the MAC, whose digest may be up to 512 bits.
Status read_trailer(wire::ByteReader& reader, Packet& packet) {
    const auto is_mac_length = [&packet](std::size_t n) {
        if (packet.version >= 4) return n == 4 || n == kMinMacLength || n == kMaxMacLength;
        return n == 4 || (n >= kMinMacLength && n <= kMaxLegacyMacLength && n % 4 == 0);
    };
    if (packet.version >= 4) {
        while (!reader.empty() && !is_mac_length(reader.remaining())) {
            HNBSEC_TRY(auto field, read_extension(reader));
            packet.extensions.push_back(std::move(field));
        }
    }
    const std::size_t left = reader.remaining();
    if (left == 0) return Ok{};
    if (!is_mac_length(left))
        return packet_error(std::to_string(left) + " octets after offset " + std::to_string(reader.offset()) +
                            " are no MAC (expected 4 for a crypto-NAK, or key id + 16 to 64 octets of digest "
                            "in multiples of 4; RFC 5905 §7.3)");
    Mac mac;
    HNBSEC_TRY(mac.key_id, reader.u32("Key Identifier"));
    auto digest = reader.rest();
    mac.digest.assign(digest.begin(), digest.end());
    packet.mac = std::move(mac);
    return Ok{};
}

}  // namespace

Result<Packet> decode_packet(std::span<const std::uint8_t> bytes) {
    if (bytes.size() < kHeaderLength)
        return packet_error(std::to_string(bytes.size()) + " octets, shorter than the " +
                            std::to_string(kHeaderLength) + "-octet header (RFC 5905 §7.3)");
    wire::ByteReader reader(bytes);
    Packet packet;
    HNBSEC_TRY(auto first, reader.u8("LI VN Mode"));
    packet.leap = static_cast<Leap>(first >> 6);
    packet.version = static_cast<std::uint8_t>((first >> 3) & 0x7U);
    packet.mode = static_cast<Mode>(first & 0x7U);
    if (packet.version < 1 || packet.version > 4)
        return packet_error("Version Number " + std::to_string(packet.version) +
                            ", expected 1 to 4 (RFC 5905 §7.3)");
    if (packet.mode == Mode::kReserved) return packet_error("Mode 0 is reserved (RFC 5905 Figure 10)");
    HNBSEC_TRY(packet.stratum, reader.u8("Stratum"));
    HNBSEC_TRY(auto poll, reader.u8("Poll"));
    packet.poll = static_cast<std::int8_t>(poll);
    HNBSEC_TRY(auto precision, reader.u8("Precision"));
    packet.precision = static_cast<std::int8_t>(precision);
    HNBSEC_TRY(packet.root_delay, reader.u32("Root Delay"));
    HNBSEC_TRY(packet.root_dispersion, reader.u32("Root Dispersion"));
    HNBSEC_TRY(packet.reference_id, reader.u32("Reference ID"));
    HNBSEC_TRY(packet.reference, read_timestamp(reader, "Reference Timestamp"));
    HNBSEC_TRY(packet.origin, read_timestamp(reader, "Origin Timestamp"));
    HNBSEC_TRY(packet.receive, read_timestamp(reader, "Receive Timestamp"));
    HNBSEC_TRY(packet.transmit, read_timestamp(reader, "Transmit Timestamp"));
    HNBSEC_CHECK(read_trailer(reader, packet));
    return packet;
}

std::string reference_id_text(std::uint32_t reference_id) {
    std::string text;
    for (int shift = 24; shift >= 0; shift -= 8) {
        const auto c = static_cast<char>((reference_id >> shift) & 0xffU);
        if (c == '\0') continue;  // "RATE", but also "GPS" padded with a zero octet
        text += (c >= 0x20 && c < 0x7f) ? c : '.';
    }
    return text;
}

std::uint32_t reference_id_from_text(std::string_view four_letters) {
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) {
        const auto c = i < four_letters.size() ? static_cast<std::uint8_t>(four_letters[i]) : 0U;
        value = (value << 8) | c;
    }
    return value;
}

std::string to_string(Mode mode) {
    switch (mode) {
        case Mode::kReserved:
            return "reserved";
        case Mode::kSymmetricActive:
            return "symmetric active";
        case Mode::kSymmetricPassive:
            return "symmetric passive";
        case Mode::kClient:
            return "client";
        case Mode::kServer:
            return "server";
        case Mode::kBroadcast:
            return "broadcast";
        case Mode::kControl:
            return "control";
        case Mode::kPrivate:
            return "private";
    }
    return "mode " + std::to_string(static_cast<int>(mode));
}

std::string to_string(Leap leap) {
    switch (leap) {
        case Leap::kNoWarning:
            return "no warning";
        case Leap::kLastMinute61:
            return "61-second last minute";
        case Leap::kLastMinute59:
            return "59-second last minute";
        case Leap::kUnsynchronised:
            return "unsynchronised";
    }
    return "leap " + std::to_string(static_cast<int>(leap));
}

}  // namespace hnbsec::ntp
