#pragma once
// The inner IP packet an ESP tunnel-mode SA carries: its addresses, upper-layer protocol
// and ports (what traffic selectors match, RFC 4301 §4.4.1.1), and a one-line summary for
// transcripts ("ICMP 10.77.0.1 > 10.78.0.1 echo-request id 3 seq 1"). Read through a
// bounded cursor: a short or inconsistent packet is an error naming the field, never a
// read past the end.

#include <cstdint>
#include <optional>
#include <string>

#include "core/result.h"
#include "proto/esp/types.h"

namespace hnbsec::esp {

struct InnerPacket {
    std::uint8_t version = 4;  // 4 or 6
    Bytes source;              // 4 or 16 octets
    Bytes destination;
    std::uint8_t protocol = 0;  // upper layer, after any IPv6 extension headers
    // UDP/TCP ports; for ICMP/ICMPv6 both hold Type << 8 | Code (RFC 7296 §3.13.1).
    std::optional<std::uint16_t> source_port;
    std::optional<std::uint16_t> destination_port;
    std::size_t length = 0;  // of the IP packet per its header (the rest is TFC padding)
    std::string summary;
};

// Decodes the IP header (and the first octets of ICMP/UDP/TCP) of `packet`. Fails for a
// version other than 4/6, a truncated header, or a length field beyond the packet.
Result<InnerPacket> parse_inner_packet(ByteSpan packet);
// The same into `out`, whose buffers are reused, with the summary only when `summary` is
// set: a receiver of many packets that wants the checks but not the text (a capture's
// ESP decryption) pays no allocation per packet. `out` is unspecified after an error.
Status parse_inner_packet(ByteSpan packet, InnerPacket& out, bool summary);

// The summary, or "malformed: <reason>" when the packet does not parse.
std::string summarise_inner_packet(ByteSpan packet);

// "10.77.0.1", "2001:db8::1"; anything else as hex.
std::string address_to_string(ByteSpan address);

}  // namespace hnbsec::esp
