#include "proto/ike/encode.h"

#include <string>
#include <vector>

#include "proto/ike/layout_io.h"
#include "proto/ike/payload_layouts.h"
#include "proto/wire/byte_writer.h"

namespace hnbsec::ike {
namespace {

constexpr std::uint8_t kCriticalBit = 0x80;
constexpr std::uint8_t kGenericReservedBits = 0x7f;

// SK and SKF carry the first inner payload's type in their Next Payload (RFC 7296
// §3.14, RFC 7383 §2.5); other payloads point at the payload after them.
PayloadType next_payload_of(const Payload& payload, PayloadType following) {
    if (const auto* sk = payload.as<Sk>()) return sk->first_inner;
    if (const auto* skf = payload.as<Skf>()) return skf->first_inner;
    return following;
}

Result<std::vector<const Payload*>> wire_order(std::span<const Payload> payloads, const EncodeFaults& faults,
                                               const std::string& context) {
    std::vector<const Payload*> order;
    order.reserve(payloads.size());
    for (const auto& p : payloads) order.push_back(&p);
    if (faults.swap_payloads) {
        auto [a, b] = *faults.swap_payloads;
        if (a >= order.size() || b >= order.size()) {
            return Error(context + ": swap_payloads names payload " + std::to_string(std::max(a, b)) +
                         " of " + std::to_string(order.size()));
        }
        std::swap(order[a], order[b]);
    }
    for (const auto& [position, value] : faults.payload_length) {
        if (position >= order.size()) {
            return Error(context + ": payload_length names payload " + std::to_string(position) + " of " +
                         std::to_string(order.size()));
        }
    }
    for (const auto& [position, value] : faults.next_payload) {
        if (position >= order.size()) {
            return Error(context + ": next_payload names payload " + std::to_string(position) + " of " +
                         std::to_string(order.size()));
        }
    }
    return order;
}

Status encode_payload(wire::ByteWriter& writer, const Payload& payload, PayloadType following,
                      std::size_t position, const EncodeFaults& faults, const std::string& label) {
    if (payload.reserved > kGenericReservedBits) {
        return Error(label + ": reserved bits " + std::to_string(payload.reserved) + " do not fit 7 bits");
    }
    std::size_t start = writer.size();
    auto next = static_cast<std::uint8_t>(next_payload_of(payload, following));
    if (auto it = faults.next_payload.find(position); it != faults.next_payload.end()) next = it->second;
    writer.u8(next);
    std::uint8_t reserved = faults.set_reserved_bits ? kGenericReservedBits : payload.reserved;
    writer.u8(static_cast<std::uint8_t>((payload.critical ? kCriticalBit : 0) | reserved));
    auto length_slot = writer.reserve(2);

    detail::LayoutEncoder io(writer, start, faults.set_reserved_bits);
    Status status = std::visit([&](const auto& body) { return detail::layout(io, body); }, payload.body);
    if (!status.ok()) return Error(label + ": " + status.error().what());

    std::size_t length = writer.written_since(start);
    if (length > 0xffff) {
        return Error(label + ": Payload Length " + std::to_string(length) + " does not fit 2 bytes");
    }
    if (auto it = faults.payload_length.find(position); it != faults.payload_length.end())
        length = it->second;
    writer.patch(length_slot, length);
    return Ok{};
}

Status encode_chain(wire::ByteWriter& writer, const std::vector<const Payload*>& order,
                    const EncodeFaults& faults, const std::string& context) {
    for (std::size_t i = 0; i < order.size(); ++i) {
        PayloadType following = i + 1 < order.size() ? order[i + 1]->type : PayloadType::kNoNextPayload;
        std::string label =
            context + ": payload " + std::to_string(i + 1) + " (" + payload_type_name(order[i]->type) + ")";
        HNBSEC_CHECK(encode_payload(writer, *order[i], following, i, faults, label));
    }
    writer.bytes(faults.extra_bytes);
    return Ok{};
}

}  // namespace

Result<Bytes> encode_message(const Message& message, const EncodeFaults& faults) {
    const IkeHeader& h = message.header;
    std::string context = "encoding " + message_name(h);
    if (h.major_version > 0x0f || h.minor_version > 0x0f) {
        return Error(context + ": header: version " + std::to_string(h.major_version) + "." +
                     std::to_string(h.minor_version) + " does not fit two 4-bit fields");
    }
    HNBSEC_TRY(auto order, wire_order(message.payloads, faults, context));

    wire::ByteWriter writer;
    writer.u64(h.spi_i);
    writer.u64(h.spi_r);
    auto first = static_cast<std::uint8_t>(order.empty() ? PayloadType::kNoNextPayload : order.front()->type);
    writer.u8(faults.header_next_payload.value_or(first));
    writer.u8(static_cast<std::uint8_t>((h.major_version << 4) | h.minor_version));
    writer.u8(static_cast<std::uint8_t>(h.exchange_type));
    writer.u8(faults.set_reserved_bits ? static_cast<std::uint8_t>(h.flags | kFlagsReserved) : h.flags);
    writer.u32(h.message_id);
    auto length_slot = writer.reserve(4);

    HNBSEC_CHECK(encode_chain(writer, order, faults, context));
    if (writer.size() > 0xffffffff) return Error(context + ": message does not fit the 32-bit Length");
    writer.patch(length_slot, faults.header_length.value_or(static_cast<std::uint32_t>(writer.size())));
    return std::move(writer).take();
}

Result<Bytes> encode_payloads(std::span<const Payload> payloads, const EncodeFaults& faults) {
    std::string context = "encoding payloads";
    HNBSEC_TRY(auto order, wire_order(payloads, faults, context));
    wire::ByteWriter writer;
    HNBSEC_CHECK(encode_chain(writer, order, faults, context));
    return std::move(writer).take();
}

}  // namespace hnbsec::ike
