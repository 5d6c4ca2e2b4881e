#pragma once
// Encoding of the pcapng blocks we write (draft-ietf-opsawg-pcapng-02 §4), as pure
// functions from values to bytes. We always write little-endian; the Section Header's
// byte-order magic tells every reader so (§4.1).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "pcap/pcapng/packet.h"

namespace hnbsec::pcap {

// What the Section Header Block says about the whole capture. `comment` becomes the
// capture comment Wireshark and capinfos show (opt_comment, §3.5): hnbsec puts its
// version, the test case ID and the profile digest there.
struct SectionInfo {
    std::string comment;
    std::string hardware;
    std::string os;
    std::string user_application = "hnbsec";
};

std::vector<std::uint8_t> encode_section_header(const SectionInfo& section);

// IDB (§4.2) with if_name and if_tsresol = 9 (nanoseconds): the writer's timestamps
// are always in nanoseconds, whatever `interface.units_per_second` says.
std::vector<std::uint8_t> encode_interface_description(const CaptureInterface& interface);

// EPB (§4.3) with an optional packet comment; `data` is what was captured (at most the
// snap length), `original_length` what was on the wire.
std::vector<std::uint8_t> encode_enhanced_packet(std::uint32_t interface_id, std::int64_t timestamp_ns,
                                                 std::span<const std::uint8_t> data,
                                                 std::uint32_t original_length, std::string_view comment);

// ISB (§4.6): what the capture engine counted for one interface, timestamps in ns
// (the IDB's if_tsresol). libpcap's ps_recv is isb_ifrecv, ps_ifdrop isb_ifdrop and
// ps_drop (no room in the buffer) isb_osdrop.
struct InterfaceStatistics {
    std::uint32_t interface_id = 0;
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;  // also the block's own timestamp
    std::uint64_t received = 0;
    std::uint64_t interface_dropped = 0;
    std::uint64_t os_dropped = 0;
};
std::vector<std::uint8_t> encode_interface_statistics(const InterfaceStatistics& statistics);

// DSB (§4.7): secrets of `secrets_type` (kSecretsTlsKeyLog: the NSS key log text).
std::vector<std::uint8_t> encode_decryption_secrets(std::uint32_t secrets_type,
                                                    std::span<const std::uint8_t> secrets);

}  // namespace hnbsec::pcap
