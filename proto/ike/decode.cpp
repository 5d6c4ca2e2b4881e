#include "proto/ike/decode.h"

#include <string>

#include "proto/ike/layout_io.h"
#include "proto/ike/payload_rules.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::ike {
namespace {

using detail::bytes_text;

constexpr std::size_t kGenericHeaderSize = 4;
constexpr std::uint8_t kCriticalBit = 0x80;

Error fail(DecodeFailure* failure, NotifyType notify, Bytes data, std::string what) {
    if (failure != nullptr) *failure = DecodeFailure{notify, std::move(data)};
    return Error(std::move(what));
}

std::string payload_label(const std::string& context, std::size_t index, PayloadType type) {
    return context + ": payload " + std::to_string(index) + " (" + payload_type_name(type) + ")";
}

// One payload: generic header (RFC 7296 §3.2), then the body per its rule. Sets `next`
// to the following payload's type.
Result<Payload> decode_payload(wire::ByteReader& reader, PayloadType type, PayloadType& next,
                               const std::string& label, DecodeFailure* failure) {
    auto syntax = [&](const std::string& what) {
        return fail(failure, NotifyType::kInvalidSyntax, {}, label + ": " + what);
    };

    std::size_t start = reader.offset();
    std::size_t available = reader.remaining();
    auto next_field = reader.u8("Next Payload");
    if (!next_field.ok()) return syntax(next_field.error().what());
    auto flags = reader.u8("Critical");
    if (!flags.ok()) return syntax(flags.error().what());
    auto length = reader.u16("Payload Length");
    if (!length.ok()) return syntax(length.error().what());

    if (*length < kGenericHeaderSize) {
        return syntax("Payload Length " + std::to_string(*length) + " at offset " + std::to_string(start) +
                      " is less than the 4-byte generic payload header");
    }
    if (*length > available) {
        return syntax("Payload Length " + std::to_string(*length) + " exceeds the remaining " +
                      bytes_text(available) + " at offset " + std::to_string(start));
    }

    Payload payload;
    payload.type = type;
    payload.critical = (*flags & kCriticalBit) != 0;
    payload.reserved = static_cast<std::uint8_t>(*flags & ~kCriticalBit);
    next = static_cast<PayloadType>(*next_field);

    std::size_t body_size = *length - kGenericHeaderSize;
    wire::ByteReader body = reader.sub(body_size, "payload body").value();  // fits: checked above

    const detail::PayloadRule* rule = detail::find_payload_rule(type);
    if (rule == nullptr) {
        if (payload.critical) {
            // RFC 7296 §2.5: reject the message, answering UNSUPPORTED_CRITICAL_PAYLOAD
            // with the payload type as data.
            auto type_octet = static_cast<std::uint8_t>(type);
            return fail(failure, NotifyType::kUnsupportedCriticalPayload, {type_octet},
                        label + ": UNSUPPORTED_CRITICAL_PAYLOAD: payload type " + std::to_string(type_octet) +
                            " at offset " + std::to_string(start) +
                            " is not supported and has the critical bit set (RFC 7296 §2.5)");
        }
        auto rest = body.rest();
        payload.body = Unknown{Bytes(rest.begin(), rest.end())};
        return payload;
    }
    if (body_size < rule->min_body) {
        return syntax("Payload Length " + std::to_string(*length) + " at offset " + std::to_string(start) +
                      " is less than the " + std::to_string(kGenericHeaderSize + rule->min_body) +
                      "-byte minimum of " + payload_type_name(type));
    }
    detail::LayoutDecoder io(body, start);
    Status status = rule->decode(io, payload.body);
    if (!status.ok()) return syntax(status.error().what());
    if (!body.empty()) {
        return syntax("Payload Length " + std::to_string(*length) + " covers " +
                      bytes_text(body.remaining()) + " after the last field, at offset " +
                      std::to_string(body.offset()));
    }
    if (rule->ends_chain) {
        if (auto* sk = payload.as<Sk>()) sk->first_inner = next;
        if (auto* skf = payload.as<Skf>()) skf->first_inner = next;
        next = PayloadType::kNoNextPayload;
    }
    return payload;
}

Result<std::vector<Payload>> decode_chain(wire::ByteReader& reader, PayloadType first,
                                          const std::string& context, DecodeFailure* failure) {
    std::vector<Payload> payloads;
    PayloadType type = first;
    while (type != PayloadType::kNoNextPayload) {
        std::string label = payload_label(context, payloads.size() + 1, type);
        if (reader.empty()) {
            return fail(failure, NotifyType::kInvalidSyntax, {},
                        label + ": announced by the previous Next Payload, but the message ends at offset " +
                            std::to_string(reader.offset()));
        }
        PayloadType next = PayloadType::kNoNextPayload;
        HNBSEC_TRY(Payload payload, decode_payload(reader, type, next, label, failure));
        bool encrypted = payload.as<Sk>() != nullptr || payload.as<Skf>() != nullptr;
        payloads.push_back(std::move(payload));
        if (encrypted && !reader.empty()) {
            return fail(failure, NotifyType::kInvalidSyntax, {},
                        label + ": " + bytes_text(reader.remaining()) + " follow at offset " +
                            std::to_string(reader.offset()) + ", but " + payload_type_name(type) +
                            " must be the last payload (RFC 7296 §3.14)");
        }
        type = next;
    }
    if (!reader.empty()) {
        return fail(failure, NotifyType::kInvalidSyntax, {},
                    context + ": " + bytes_text(reader.remaining()) + " after the last payload, at offset " +
                        std::to_string(reader.offset()));
    }
    return payloads;
}

Result<IkeHeader> read_header(wire::ByteReader& reader, std::size_t datagram_size, DecodeFailure* failure) {
    auto syntax = [&](const std::string& what) {
        return fail(failure, NotifyType::kInvalidSyntax, {}, "IKE message: header: " + what);
    };
    if (datagram_size < kHeaderSize) {
        return syntax(bytes_text(datagram_size) + " is shorter than the " + std::to_string(kHeaderSize) +
                      "-byte IKE header");
    }
    // The size check above makes every read below succeed.
    IkeHeader h;
    h.spi_i = reader.u64("IKE SA Initiator's SPI").value();
    h.spi_r = reader.u64("IKE SA Responder's SPI").value();
    h.next_payload = static_cast<PayloadType>(reader.u8("Next Payload").value());
    std::uint8_t version = reader.u8("Version").value();
    h.major_version = version >> 4;
    h.minor_version = version & 0x0f;
    h.exchange_type = static_cast<ExchangeType>(reader.u8("Exchange Type").value());
    h.flags = reader.u8("Flags").value();
    h.message_id = reader.u32("Message ID").value();
    h.length = reader.u32("Length").value();

    // RFC 7296 §2.5: a major version other than ours is answered with INVALID_MAJOR_VERSION.
    if (h.major_version != 2) {
        return fail(failure, NotifyType::kInvalidMajorVersion, {},
                    "IKE message: header: Major Version " + std::to_string(h.major_version) +
                        " at offset 17 is not 2 (RFC 7296 §2.5)");
    }
    if (h.length != datagram_size) {
        return syntax("Length " + std::to_string(h.length) + " at offset 24 does not match the " +
                      bytes_text(datagram_size) + " of the datagram");
    }
    return h;
}

}  // namespace

Result<IkeHeader> decode_header(std::span<const std::uint8_t> datagram, DecodeFailure* failure) {
    wire::ByteReader reader(datagram);
    return read_header(reader, datagram.size(), failure);
}

Result<Message> decode_message(std::span<const std::uint8_t> datagram, DecodeFailure* failure) {
    wire::ByteReader reader(datagram);
    HNBSEC_TRY(IkeHeader header, read_header(reader, datagram.size(), failure));
    HNBSEC_TRY(auto payloads, decode_chain(reader, header.next_payload, message_name(header), failure));
    return Message{header, std::move(payloads)};
}

Result<std::vector<Payload>> decode_payloads(PayloadType first, std::span<const std::uint8_t> bytes,
                                             std::string_view context, DecodeFailure* failure) {
    wire::ByteReader reader(bytes);
    return decode_chain(reader, first, std::string(context), failure);
}

}  // namespace hnbsec::ike
