#pragma once
// What the time server reports for every datagram it receives: who asked, over which
// path (inside the SeGW's ESP tunnel or in clear), what the request said about itself,
// whether its MAC held, and what we answered. Test cases wait on these; `hnbsec ntp`
// prints them one per line.

#include <cstdint>
#include <optional>
#include <string>

#include "proto/ntp/packet.h"
#include "proto/ntp/timestamp.h"

namespace hnbsec::timeserver {

// Which side of the SeGW a listener sits on (TS 33.320 §4.4.6: time over IPsec when
// the server is inside the operator network).
enum class Path {
    kInsideTunnel,  // core network namespace: reachable only through the SeGW's ESP
    kPublic,        // the clear side
};
std::string to_string(Path path);                           // "inside ESP" / "in clear"
std::optional<Path> path_from_name(std::string_view name);  // "inside_tunnel" / "public"

enum class MacStatus {
    kNone,        // no MAC trailer
    kOk,          // valid MAC with a key we hold
    kBad,         // key known, digest wrong
    kUnknownKey,  // key id not in our table
    kCryptoNak,   // the request carried a crypto-NAK
};
std::string to_string(MacStatus status);

struct RequestEvent {
    ntp::SystemTime received;  // true local time of arrival
    std::string client;        // "10.77.0.2:123"
    std::string listener;      // our address:port that received it
    Path path = Path::kPublic;
    std::size_t length = 0;
    std::string malformed;  // the decode error; empty when the request decoded
    std::uint8_t version = 0;
    ntp::Mode mode = ntp::Mode::kReserved;
    std::optional<ntp::Timestamp> client_transmit;  // the client's clock as it sent the request
    MacStatus mac = MacStatus::kNone;
    std::optional<std::uint32_t> key_id;
    bool answered = false;
    std::string answer;  // "time +1000.000000 s stratum 1", "KoD RATE", "nothing: ..."
};

// One line: "NTP from 10.77.0.2:40312 inside ESP to 10.78.0.123:123: v4 client, transmit
// 2026-11-28T19:41:55.123456789Z, MAC ok (key 10) -> time +0.000000 s stratum 1".
std::string to_string(const RequestEvent& event);

}  // namespace hnbsec::timeserver
