#pragma once
// One captured packet as the readers hand it out and the writer takes it in.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "pcap/pcapng/format.h"

namespace hnbsec::pcap {

// An interface of a capture (pcapng IDB §4.2; a pcap file has exactly one).
struct CaptureInterface {
    LinkType link_type = LinkType::kEthernet;
    std::uint32_t snap_length = 0;  // 0: no limit
    std::string name;               // if_name, may be empty
    // Timestamp units per second: 1e6 for pcap/µs and pcapng without if_tsresol.
    std::uint64_t units_per_second = 1000000;

    bool operator==(const CaptureInterface&) const = default;
};

// A packet read from a file. The spans point into the reader's buffer and stay valid
// until the next call to next(): callers copy what they keep.
struct PacketView {
    std::uint32_t interface_id = 0;
    std::int64_t timestamp_ns = 0;  // since the Unix epoch
    std::uint32_t original_length = 0;
    std::span<const std::uint8_t> data;
    std::string_view comment;  // the first opt_comment of an EPB, if any
};

}  // namespace hnbsec::pcap
