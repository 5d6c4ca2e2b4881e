#pragma once
// Wire queries: the questions test cases ask of a capture's timeline (issue 7), each
// answered together with the packet numbers that prove the answer, so a verdict can
// cite them ("FAIL: packet 17 left the DUT in clear: ntp").
//
// Every query reads a finished timeline (read_timeline(), or records collected from
// build_timeline()) in capture order. "From the DUT" means: an outer record whose IP
// source is the DUT's address, or an inner record (decrypted ESP) carried by such a
// packet, so the DUT's inner (virtual) address need not be known.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pcap/dissect/dissection.h"
#include "pcap/timeline/record.h"

namespace hnbsec::pcap::query {

// A packet a verdict cites: its number in the file (as tshark and Wireshark count) and
// whether the cited thing is the decrypted inner packet of that ESP packet.
struct PacketRef {
    std::uint64_t number = 0;
    bool inner = false;

    bool operator==(const PacketRef&) const = default;
};
std::string to_string(const PacketRef& ref);             // "17" or "17 (inner)"
std::string to_string(std::span<const PacketRef> refs);  // "3, 5 (inner), 9"

// A yes/no answer with its proof: when `holds` is false, `evidence` lists the packets
// that break it; when true, the packets it stands on (may be empty: "nothing was sent").
struct Verdict {
    bool holds = false;
    std::string reason;  // one line, citing packet numbers
    std::vector<PacketRef> evidence;
};

// Everything the DUT sent after `after_ns` (capture time, strictly later), outer and inner.
std::vector<PacketRef> sent_by_dut(std::span<const TimelineRecord> records, const Address& dut,
                                   std::int64_t after_ns = INT64_MIN);

// The backhaul rule (TS 33.320 §7.2.2: traffic between H(e)NB and core only inside the
// IPsec tunnel): no packet from the DUT left in clear except IKEv2 (UDP 500, or 4500 with
// the non-ESP marker), ESP (raw or UDP-encapsulated) and NAT-T keepalives. Fragments held
// for reassembly are judged by the packet that completes them.
Verdict cleartext_from_dut(std::span<const TimelineRecord> records, const Address& dut);

// The first NTP client request (RFC 5905 mode 3) from the DUT was an inner packet of ESP.
Verdict first_ntp_request_inside_esp(std::span<const TimelineRecord> records, const Address& dut);

// After packet `after_number` the DUT sent nothing but IKE DELETE: INFORMATIONAL requests
// whose decrypted payloads include Delete (RFC 7296 §3.11), and INFORMATIONAL responses
// (an IKE SA's delete is answered empty, §1.4.1). Messages we could not decrypt prove
// nothing and break the rule; NAT-T keepalives are allowed when `allow_keepalives`.
Verdict only_ike_delete_after(std::span<const TimelineRecord> records, const Address& dut,
                              std::uint64_t after_number, bool allow_keepalives = true);

// The first packet whose pcapng comment starts with `prefix` ("step 3"), to anchor
// "after step N" checks; nullopt when none.
std::optional<std::uint64_t> first_commented(std::span<const TimelineRecord> records,
                                             std::string_view prefix);

// The first ClientHello from the DUT and the TLS versions it offers: the supported_versions
// extension when present (RFC 8446 §4.2.1), else its legacy_version (TLS 1.2 and older).
struct ClientHelloVersions {
    bool found = false;
    std::uint16_t legacy_version = 0;
    std::vector<std::uint16_t> offered;
    std::vector<PacketRef> evidence;  // the packet that completed the ClientHello
};
ClientHelloVersions client_hello_versions(std::span<const TimelineRecord> records, const Address& dut);

}  // namespace hnbsec::pcap::query
