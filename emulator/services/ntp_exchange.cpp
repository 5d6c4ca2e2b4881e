#include "emulator/services/ntp_exchange.h"

#include <string>

#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::emulator {
namespace {

std::string timestamp_text(ntp::Timestamp t) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text = "0x";
    for (int shift = 60; shift >= 0; shift -= 4) {
        text += kDigits[(t.raw() >> static_cast<unsigned>(shift)) & 0xfU];
    }
    return text;
}

Error reply_error(const std::string& what) {
    return Error("NTP reply refused: " + what);
}

}  // namespace

ntp::Packet make_time_request(ntp::SystemTime now) {
    ntp::Packet request;
    request.leap = ntp::Leap::kUnsynchronised;  // a client that has no time yet says so
    request.version = 4;
    request.mode = ntp::Mode::kClient;
    request.poll = 6;
    request.precision = -20;
    request.transmit = ntp::to_ntp(now);
    return request;
}

Result<TimeSample> evaluate_time_reply(std::span<const std::uint8_t> reply, const ntp::Packet& request,
                                       ntp::SystemTime received, bool check_origin) {
    auto decoded = ntp::decode_packet(reply);
    if (!decoded.ok()) return std::move(decoded).error().context("decoding the NTP reply");
    const ntp::Packet& packet = *decoded;
    if (packet.mode != ntp::Mode::kServer) {
        return reply_error("mode " + ntp::to_string(packet.mode) + ", expected server (4)");
    }
    if (check_origin && packet.origin != request.transmit) {
        return reply_error("origin timestamp " + timestamp_text(packet.origin) +
                           " is not our transmit timestamp " + timestamp_text(request.transmit) +
                           " (RFC 5905 §8, bogus packet)");
    }
    if (auto code = ntp::kiss_code(packet)) {
        return reply_error("kiss-o'-death " + *code + " (stratum 0, RFC 5905 §7.4)");
    }
    if (packet.stratum >= 16) {
        return reply_error("stratum " + std::to_string(packet.stratum) + ", the server is unsynchronised");
    }
    if (packet.leap == ntp::Leap::kUnsynchronised) {
        return reply_error("leap indicator 3, the server's clock is not synchronised");
    }
    if (packet.transmit.is_zero()) return reply_error("transmit timestamp is zero");

    // T1 is our own transmit time; T2, T3 are the server's receive and transmit times,
    // placed in the era nearest to our clock (RFC 5905 §6).
    const ntp::SystemTime t1 = ntp::from_ntp(request.transmit, received);
    const ntp::SystemTime t2 = ntp::from_ntp(packet.receive, received);
    const ntp::SystemTime t3 = ntp::from_ntp(packet.transmit, received);
    const auto theta = ((t2 - t1) + (t3 - received)) / 2;

    TimeSample sample;
    sample.server_time = std::chrono::time_point_cast<std::chrono::system_clock::duration>(t3);
    sample.offset = std::chrono::duration_cast<std::chrono::milliseconds>(theta);
    sample.stratum = packet.stratum;
    return sample;
}

}  // namespace hnbsec::emulator
