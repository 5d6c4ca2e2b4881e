#pragma once
// Timeline records as JSON (nlohmann_json, for tools and reports) and as one text line
// (for `hnbsec pcap inspect` and transcripts).

#include <string>

#include <nlohmann/json.hpp>

#include "pcap/timeline/record.h"

namespace hnbsec::pcap {

// {"number":3,"time":"1700000000.123456789","direction":"dut->harness",
//  "src":"192.168.77.2","dst":"192.168.77.1","sport":4500,"dport":4500,
//  "layers":["eth","ipv4","udp","ikev2"],"summary":"IKE_AUTH request ...",
//  "ike":{...}, "esp":{...}, "ntp":{...}, "tls":{...}, "http":{...}, "outer":2, "comment":..., "error":...}
nlohmann::json to_json(const TimelineRecord& record);

// "   3  0.012345  dut->harness  192.168.77.2:4500 -> 192.168.77.1:4500  IKE_AUTH request MID=1 SK{...}"
// `start_ns` is the first packet's time (times are relative to it).
std::string to_text(const TimelineRecord& record, std::int64_t start_ns);
// The same line appended to `line` (no newline): the streaming path reuses one buffer.
void append_text(std::string& line, const TimelineRecord& record, std::int64_t start_ns);

}  // namespace hnbsec::pcap
