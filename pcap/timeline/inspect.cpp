#include "pcap/timeline/inspect.h"

#include <string>

#include "pcap/timeline/format.h"

namespace hnbsec::pcap {

Result<TimelineStats> write_inspection(CaptureReader& reader, const TimelineOptions& options, bool json,
                                       std::FILE* out) {
    std::string line;  // reused: no allocation per record once it has grown
    std::int64_t start = 0;
    bool first = true;
    if (json) static_cast<void>(std::fputs("[", out));
    auto stats = build_timeline(reader, options, [&](const TimelineRecord& record) {
        if (first) start = record.time_ns;
        if (json) {
            line = first ? "\n" : ",\n";
            line += to_json(record).dump();
        } else {
            line.clear();
            // The section header's comments are known once the first packet was read.
            if (first) {
                for (const auto& c : reader.section_comments()) line += "# capture comment: " + c + "\n";
            }
            append_text(line, record, start);
            line += '\n';
        }
        first = false;
        static_cast<void>(std::fwrite(line.data(), 1, line.size(), out));
    });
    if (json) static_cast<void>(std::fputs(first ? "]\n" : "\n]\n", out));
    static_cast<void>(std::fflush(out));
    return stats;
}

}  // namespace hnbsec::pcap
