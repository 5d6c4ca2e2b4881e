#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::ntp {

std::optional<std::string> kiss_code(const Packet& packet) {
    if (packet.stratum != 0) return std::nullopt;
    return reference_id_text(packet.reference_id);
}

bool is_valid_kiss_code(std::string_view code) {
    if (code.empty() || code.size() > 4) return false;
    for (char c : code)
        if (c < 0x21 || c > 0x7e) return false;
    return true;
}

Packet make_kiss_of_death(const Packet& request, std::string_view code, Timestamp receive,
                          Timestamp transmit) {
    Packet answer;
    answer.leap = Leap::kUnsynchronised;
    answer.version = request.version;
    answer.mode = request.mode == Mode::kSymmetricActive ? Mode::kSymmetricPassive : Mode::kServer;
    answer.stratum = 0;
    answer.poll = request.poll;
    answer.reference_id = reference_id_from_text(code);
    answer.origin = request.transmit;
    answer.receive = receive;
    answer.transmit = transmit;
    return answer;
}

}  // namespace hnbsec::ntp
