#pragma once
// One record per packet of a capture (and one more per decrypted ESP packet, for the
// inner packet, tied to its outer packet): the timeline a test case's wire checks and
// `hnbsec pcap inspect` read.

#include <cstdint>
#include <string>
#include <string_view>

#include "pcap/dissect/dissection.h"

namespace hnbsec::pcap {

// Seen from the device under test, whose address the caller names.
enum class Direction : std::uint8_t {
    kUnknown,  // no DUT address given, or neither end is the DUT
    kFromDut,  // DUT -> harness
    kToDut,    // harness -> DUT
};
std::string_view direction_name(Direction d);  // "dut->harness", "harness->dut", "?"

struct TimelineRecord {
    std::uint64_t number = 0;        // 1-based packet number in the file (as tshark counts)
    std::uint64_t outer_number = 0;  // inner records: the ESP packet carrying them; else 0
    std::int64_t time_ns = 0;        // capture timestamp, since the Unix epoch
    Direction direction = Direction::kUnknown;
    std::uint32_t captured_length = 0;
    std::string comment;  // the packet's pcapng comment
    PacketDissection dissection;

    bool inner() const { return outer_number != 0; }
};

}  // namespace hnbsec::pcap
