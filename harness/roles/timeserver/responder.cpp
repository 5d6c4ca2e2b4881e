#include "harness/roles/timeserver/responder.h"

#include <cstdio>

#include "proto/ntp/kiss_of_death.h"
#include "proto/ntp/mac.h"

namespace hnbsec::timeserver {
namespace {

using namespace std::chrono_literals;

// Our clock's claimed precision, 2^-20 s (about 1 us), and a small root dispersion:
// a stratum-1 server with a good clock, which a client has no reason to distrust.
constexpr std::int8_t kPrecision = -20;
constexpr auto kRootDispersion = 1ms;

std::string seconds_text(std::chrono::nanoseconds offset) {
    std::array<char, 40> text{};
    const double seconds = std::chrono::duration<double>(offset).count();
    const int n = std::snprintf(text.data(), text.size(), "%+.6f s", seconds);
    return std::string(text.data(), n > 0 ? static_cast<std::size_t>(n) : 0U);
}

MacStatus check_mac(const ntp::Packet& request, const KeyTable& keys) {
    if (!request.mac) return MacStatus::kNone;
    if (request.mac->digest.empty()) return MacStatus::kCryptoNak;
    const ntp::SymmetricKey* key = find_key(keys, request.mac->key_id);
    if (key == nullptr) return MacStatus::kUnknownKey;
    return ntp::verify_packet_mac(request, *key) ? MacStatus::kOk : MacStatus::kBad;
}

Reply silent(Reply reply, std::string why) {
    reply.event.answer = "nothing: " + std::move(why);
    return reply;
}

// Encodes the answer, signing it with the request's key when the exchange is
// authenticated (RFC 5905 §7.3: the answer uses the key id the request used).
Reply send(Reply reply, ntp::Packet answer, const ntp::SymmetricKey* key, const ServerKnobs& knobs,
           std::string what) {
    if (key != nullptr) {
        if (auto signed_ok = ntp::sign_packet(answer, *key); !signed_ok.ok())
            return silent(std::move(reply), "signing failed: " + signed_ok.error().what());
        what += ", MAC key " + std::to_string(key->id);
        if (knobs.corrupt_mac && answer.mac && !answer.mac->digest.empty()) {
            answer.mac->digest.front() ^= 0x01U;
            what += " (corrupted)";
        }
    }
    auto bytes = ntp::encode_packet(answer);
    if (!bytes.ok()) return silent(std::move(reply), bytes.error().what());
    reply.datagram = std::move(*bytes);
    reply.event.answered = true;
    reply.event.answer = std::move(what);
    return reply;
}

}  // namespace

Reply answer_request(std::span<const std::uint8_t> request_bytes, const ServerKnobs& knobs,
                     ntp::SystemTime received, ntp::SystemTime now) {
    Reply reply;
    reply.event.received = received;
    reply.event.length = request_bytes.size();
    auto decoded = ntp::decode_packet(request_bytes);
    if (!decoded.ok()) {
        reply.event.malformed = decoded.error().what();
        return silent(std::move(reply), "malformed request");
    }
    const ntp::Packet& request = *decoded;
    reply.event.version = request.version;
    reply.event.mode = request.mode;
    reply.event.client_transmit = request.transmit;
    reply.event.mac = check_mac(request, *knobs.keys);
    if (request.mac) reply.event.key_id = request.mac->key_id;

    // RFC 5905 §9.2: a server answers client-mode requests; everything else (symmetric
    // peers, broadcast, ntpq's control mode 6) is reported and left unanswered.
    if (request.mode != ntp::Mode::kClient)
        return silent(std::move(reply), "mode " + ntp::to_string(request.mode) + " is not served");
    if (knobs.no_answer) return silent(std::move(reply), "no-answer knob");

    const ntp::SymmetricKey* key = nullptr;
    if (knobs.auth != AuthMode::kOff) {
        switch (reply.event.mac) {
            case MacStatus::kOk:
                key = find_key(*knobs.keys, request.mac->key_id);
                break;
            case MacStatus::kBad:
            case MacStatus::kUnknownKey:
                if (knobs.bad_mac == BadMacAnswer::kNoAnswer) {
                    std::string why = "MAC " + to_string(reply.event.mac) + " (as chrony: no answer)";
                    return silent(std::move(reply), std::move(why));
                }
                break;  // crypto-NAK below
            case MacStatus::kNone:
            case MacStatus::kCryptoNak:
                if (knobs.auth == AuthMode::kRequired)
                    return silent(std::move(reply), "authentication required");
                break;
        }
    }

    const ntp::Timestamp receive = ntp::to_ntp(received + knobs.offset);
    const ntp::Timestamp transmit = ntp::to_ntp(now + knobs.offset);
    const bool bad_mac = knobs.auth != AuthMode::kOff &&
                         (reply.event.mac == MacStatus::kBad || reply.event.mac == MacStatus::kUnknownKey);
    if (knobs.kiss_code) {
        ntp::Packet kod = ntp::make_kiss_of_death(request, *knobs.kiss_code, receive, transmit);
        if (knobs.wrong_origin) kod.origin.fraction ^= 0x80000000U;
        return send(std::move(reply), std::move(kod), key, knobs, "KoD " + *knobs.kiss_code);
    }

    ntp::Packet answer;
    answer.leap = knobs.leap;
    answer.version = request.version;
    answer.mode = ntp::Mode::kServer;
    answer.stratum = knobs.stratum;
    answer.poll = request.poll;
    answer.precision = kPrecision;
    answer.root_delay = 0;
    answer.root_dispersion = ntp::to_ntp_short(kRootDispersion);
    answer.reference_id = ntp::reference_id_from_text(knobs.reference_id);
    // The reference clock was last "set" a second ago: a live, synchronised server.
    answer.reference = ntp::to_ntp(received + knobs.offset - 1s);
    answer.origin = request.transmit;
    if (knobs.wrong_origin) answer.origin.fraction ^= 0x80000000U;
    answer.receive = receive;
    answer.transmit = transmit;
    std::string what = "time " + seconds_text(knobs.offset) + " stratum " + std::to_string(knobs.stratum);
    if (knobs.leap != ntp::Leap::kNoWarning) what += " leap " + ntp::to_string(knobs.leap);
    if (knobs.wrong_origin) what += " wrong origin";
    if (bad_mac) {
        // RFC 5905 §7.4: a crypto-NAK is a MAC of a zero key id and no digest.
        answer.mac = ntp::Mac{0, {}};
        return send(std::move(reply), std::move(answer), nullptr, knobs, what + ", crypto-NAK");
    }
    return send(std::move(reply), std::move(answer), key, knobs, what);
}

}  // namespace hnbsec::timeserver
