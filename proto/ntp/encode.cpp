#include "proto/ntp/packet.h"
#include "proto/wire/byte_writer.h"

namespace hnbsec::ntp {
namespace {

Error encode_error(const std::string& what) {
    return Error("encoding NTP packet: " + what);
}

Status encode_into(const Packet& packet, bool with_mac, wire::ByteWriter& out) {
    if (packet.version > 7)
        return encode_error("Version Number " + std::to_string(packet.version) + " needs more than 3 bits");
    const auto leap = static_cast<unsigned>(packet.leap);
    const auto mode = static_cast<unsigned>(packet.mode);
    if (leap > 3 || mode > 7) return encode_error("Leap Indicator or Mode out of range");
    out.u8(static_cast<std::uint8_t>((leap << 6) | (unsigned{packet.version} << 3) | mode));
    out.u8(packet.stratum);
    out.u8(static_cast<std::uint8_t>(packet.poll));
    out.u8(static_cast<std::uint8_t>(packet.precision));
    out.u32(packet.root_delay);
    out.u32(packet.root_dispersion);
    out.u32(packet.reference_id);
    for (const Timestamp& ts : {packet.reference, packet.origin, packet.receive, packet.transmit})
        out.u64(ts.raw());
    for (const auto& field : packet.extensions) {
        const std::size_t length = field.value.size() + 4;
        if (length < kMinExtensionLength || length % 4 != 0 || length > 0xffff)
            return encode_error("extension field of type " + std::to_string(field.type) + " would be " +
                                std::to_string(length) +
                                " octets, expected a multiple of 4 of at least 16 (RFC 7822 §3)");
        out.u16(field.type);
        out.u16(static_cast<std::uint16_t>(length));
        out.bytes(field.value);
    }
    if (with_mac && packet.mac) {
        const auto& digest = packet.mac->digest;
        const bool nak = digest.empty();
        const bool sized = digest.size() >= kMinMacLength - 4 && digest.size() <= kMaxLegacyMacLength - 4 &&
                           digest.size() % 4 == 0;
        if (!nak && !sized)
            return encode_error("MAC digest of " + std::to_string(digest.size()) +
                                " octets, expected 0 (crypto-NAK) or 16 to 64 in multiples of 4");
        out.u32(packet.mac->key_id);
        out.bytes(digest);
    }
    return Ok{};
}

}  // namespace

Result<Bytes> encode_packet(const Packet& packet) {
    wire::ByteWriter out;
    HNBSEC_CHECK(encode_into(packet, true, out));
    return std::move(out).take();
}

Result<Bytes> encode_authenticated_part(const Packet& packet) {
    wire::ByteWriter out;
    HNBSEC_CHECK(encode_into(packet, false, out));
    return std::move(out).take();
}

}  // namespace hnbsec::ntp
