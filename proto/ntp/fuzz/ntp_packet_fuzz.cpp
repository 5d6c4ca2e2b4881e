// libFuzzer target for the NTP codec and the time server's request handling. Beyond
// "never crashes, never reads out of bounds" (ASan, UBSan) it checks the codec's
// contract on every input that decodes: encoding gives back exactly the input bytes
// and decoding those again gives the same Packet. Every input is then handed to the
// responder under knobs chosen by the input's last octet (auth modes, KoD, a key
// table), and any answer it builds must itself decode as a server packet.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>

#include "harness/roles/timeserver/responder.h"
#include "proto/ntp/kiss_of_death.h"
#include "proto/ntp/mac.h"
#include "proto/ntp/packet.h"

namespace {

using namespace hnbsec;

void check(bool condition) {
    if (!condition) std::abort();
}

void packet_round_trip(std::span<const std::uint8_t> bytes) {
    auto decoded = ntp::decode_packet(bytes);
    if (!decoded.ok()) return;
    auto encoded = ntp::encode_packet(*decoded);
    check(encoded.ok());
    check(std::equal(encoded->begin(), encoded->end(), bytes.begin(), bytes.end()));
    auto again = ntp::decode_packet(*encoded);
    check(again.ok() && *again == *decoded);
    (void)ntp::kiss_code(*decoded);
}

timeserver::ServerKnobs knobs_for(std::uint8_t selector) {
    timeserver::ServerKnobs knobs;
    static const auto keys = std::make_shared<const timeserver::KeyTable>(timeserver::KeyTable{
        {1, ntp::MacAlgorithm::kMd5, {'f', 'u', 'z', 'z'}},
        {2, ntp::MacAlgorithm::kSha1, {'f', 'u', 'z', 'z'}},
        {3, ntp::MacAlgorithm::kAes128Cmac, std::vector<std::uint8_t>(16, 0x42)},
    });
    knobs.keys = keys;
    knobs.auth = static_cast<timeserver::AuthMode>(selector % 3);
    knobs.bad_mac =
        (selector & 0x04U) ? timeserver::BadMacAnswer::kCryptoNak : timeserver::BadMacAnswer::kNoAnswer;
    if (selector & 0x08U) knobs.kiss_code = "RATE";
    knobs.corrupt_mac = (selector & 0x10U) != 0;
    knobs.wrong_origin = (selector & 0x20U) != 0;
    if (selector & 0x40U) knobs.offset = std::chrono::hours(24 * 400);
    return knobs;
}

void serve(std::span<const std::uint8_t> bytes) {
    const std::uint8_t selector = bytes.empty() ? 0 : bytes.back();
    const auto now = ntp::SystemTime(std::chrono::seconds(1'790'000'000));
    auto reply = timeserver::answer_request(bytes, knobs_for(selector), now, now);
    (void)timeserver::to_string(reply.event);
    if (!reply.datagram) return;
    auto answer = ntp::decode_packet(*reply.datagram);
    check(answer.ok() && answer->mode == ntp::Mode::kServer);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::span<const std::uint8_t> bytes(data, size);
    packet_round_trip(bytes);
    serve(bytes);
    return 0;
}
