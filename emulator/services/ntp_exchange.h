#pragma once
// The two pure halves of one NTP client exchange (RFC 5905 §8, §9): the request a client
// sends, and the checks and arithmetic applied to the reply. No sockets, so the unit tests
// and the fuzz target drive them with any bytes and any clock readings.

#include <cstdint>
#include <span>

#include "core/result.h"
#include "emulator/services/time_client.h"
#include "proto/ntp/packet.h"
#include "proto/ntp/timestamp.h"

namespace hnbsec::emulator {

// A client-mode (3) NTPv4 request whose transmit timestamp is `now` (T1): the one value
// the server must echo as origin (RFC 5905 §8), so it is what ties a reply to this request.
ntp::Packet make_time_request(ntp::SystemTime now);

// Checks the reply to `request` received at local time `received` (T4) and computes the
// sample. Refused, in this order: bytes that do not decode; a mode other than server (4);
// with `check_origin`, an origin timestamp other than the request's transmit timestamp
// (RFC 5905 §8 "bogus packet"); a kiss-o'-death (stratum 0, RFC 5905 §7.4, named by its
// code); stratum 16 or more (unsynchronised); leap indicator 3 (clock not synchronised);
// a zero transmit timestamp. Offset theta = ((T2 - T1) + (T3 - T4)) / 2 (RFC 5905 §8).
Result<TimeSample> evaluate_time_reply(std::span<const std::uint8_t> reply, const ntp::Packet& request,
                                       ntp::SystemTime received, bool check_origin);

}  // namespace hnbsec::emulator
