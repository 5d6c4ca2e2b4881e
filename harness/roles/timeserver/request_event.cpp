#include "harness/roles/timeserver/request_event.h"

namespace hnbsec::timeserver {

std::string to_string(Path path) {
    return path == Path::kInsideTunnel ? "inside ESP" : "in clear";
}

std::optional<Path> path_from_name(std::string_view name) {
    if (name == "inside_tunnel") return Path::kInsideTunnel;
    if (name == "public") return Path::kPublic;
    return std::nullopt;
}

std::string to_string(MacStatus status) {
    switch (status) {
        case MacStatus::kNone:
            return "none";
        case MacStatus::kOk:
            return "ok";
        case MacStatus::kBad:
            return "bad";
        case MacStatus::kUnknownKey:
            return "unknown key";
        case MacStatus::kCryptoNak:
            return "crypto-NAK";
    }
    return "?";
}

std::string to_string(const RequestEvent& event) {
    std::string line =
        "NTP from " + event.client + " " + to_string(event.path) + " to " + event.listener + ": ";
    if (!event.malformed.empty()) {
        line += "malformed (" + std::to_string(event.length) + " octets): " + event.malformed;
    } else {
        line += "v" + std::to_string(event.version) + " " + ntp::to_string(event.mode);
        // chrony sends a random transmit timestamp (its clock stays private); we show what came.
        if (event.client_transmit && event.client_transmit->is_zero()) line += ", transmit 0";
        if (event.client_transmit && !event.client_transmit->is_zero())
            line += ", transmit " + ntp::to_iso8601(ntp::from_ntp(*event.client_transmit, event.received));
        line += ", MAC " + to_string(event.mac);
        if (event.key_id) line += " (key " + std::to_string(*event.key_id) + ")";
    }
    line += " -> " + event.answer;
    return line;
}

}  // namespace hnbsec::timeserver
