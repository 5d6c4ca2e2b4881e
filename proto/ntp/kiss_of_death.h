#pragma once
// Kiss-o'-Death packets (RFC 5905 §7.4): a server answer with stratum 0 whose
// Reference ID holds an ASCII "kiss code" telling the client to back off (RATE),
// to stop using this server (DENY, RSTR) or, for NTS, that its cookie failed (NTSN).

#include <optional>
#include <string>

#include "proto/ntp/packet.h"

namespace hnbsec::ntp {

// The kiss code of a stratum-0 packet ("RATE"), or nothing for any other packet.
std::optional<std::string> kiss_code(const Packet& packet);

// Whether a code is four printable ASCII characters, as RFC 5905 §7.4 prints them.
bool is_valid_kiss_code(std::string_view code);

// A KoD answer to `request`: mode server (or symmetric passive for symmetric active),
// stratum 0, leap "unsynchronised", Reference ID = code, the request's transmit
// timestamp echoed as origin so the client can match it (RFC 5905 §8), and receive
// and transmit timestamps given by the caller.
Packet make_kiss_of_death(const Packet& request, std::string_view code, Timestamp receive,
                          Timestamp transmit);

}  // namespace hnbsec::ntp
