#pragma once
// The time server's decision for one request, free of sockets and threads so unit
// tests and the fuzzer drive it directly: decode the request, check its MAC against
// the key table, apply the knobs and build the answer (RFC 5905 §9.2 server mode,
// §7.4 Kiss-o'-Death, §7.3 MAC). Never throws; a malformed request becomes an event.

#include <optional>
#include <span>

#include "harness/roles/timeserver/knobs.h"
#include "harness/roles/timeserver/request_event.h"
#include "proto/ntp/packet.h"

namespace hnbsec::timeserver {

struct Reply {
    std::optional<ntp::Bytes> datagram;  // nothing when the server stays silent
    RequestEvent event;                  // client, listener and path are the caller's to fill
};

// `received` is the true arrival time and `now` the true time the answer leaves;
// the knobs' offset is added to both on the wire.
Reply answer_request(std::span<const std::uint8_t> request, const ServerKnobs& knobs,
                     ntp::SystemTime received, ntp::SystemTime now);

}  // namespace hnbsec::timeserver
