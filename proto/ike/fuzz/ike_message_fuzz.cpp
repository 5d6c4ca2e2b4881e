// libFuzzer target for the IKEv2 codec. Beyond "never crashes, never reads out of
// bounds" (ASan, UBSan) it checks the codec's contract on every input that decodes:
// encoding gives back exactly the input bytes, and decoding those again gives the same
// Message. Covers decode_message() on the whole input, the port-4500 framing, and
// decode_payloads() with the first octet as the first payload type.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "proto/ike/decode.h"
#include "proto/ike/encode.h"
#include "proto/ike/udp_encapsulation.h"

namespace {

using namespace hnbsec::ike;

void check(bool condition) {
    if (!condition) std::abort();
}

void message_round_trip(std::span<const std::uint8_t> bytes) {
    auto decoded = decode_message(bytes);
    if (!decoded.ok()) return;
    auto encoded = encode_message(*decoded);
    check(encoded.ok());
    check(std::equal(encoded->begin(), encoded->end(), bytes.begin(), bytes.end()));
    auto again = decode_message(*encoded);
    check(again.ok() && *again == *decoded);
}

void payloads_round_trip(std::span<const std::uint8_t> bytes) {
    if (bytes.empty()) return;
    auto first = static_cast<PayloadType>(bytes[0]);
    auto chain = bytes.subspan(1);
    auto decoded = decode_payloads(first, chain);
    if (!decoded.ok()) return;
    auto encoded = encode_payloads(*decoded);
    check(encoded.ok());
    check(std::equal(encoded->begin(), encoded->end(), chain.begin(), chain.end()));
    auto again =
        decode_payloads(decoded->empty() ? PayloadType::kNoNextPayload : decoded->front().type, *encoded);
    check(again.ok() && *again == *decoded);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    message_round_trip(bytes);
    auto datagram = classify_udp4500(bytes);
    if (datagram.kind == Udp4500Kind::kIke) message_round_trip(datagram.packet);
    payloads_round_trip(bytes);
    return 0;
}
