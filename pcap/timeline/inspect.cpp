#include "pcap/timeline/inspect.h"

#include <string>

#include "pcap/timeline/format.h"

namespace hnbsec::pcap {
namespace {

// Lines are batched into one buffer and written in large chunks: an fwrite per record
// (lock, copy, bookkeeping) cost as much as formatting the line on a 200k-packet capture.
constexpr std::size_t kFlushAt = std::size_t{1} << 18U;

void flush(std::string& buffer, std::FILE* out) {
    if (buffer.empty()) return;
    static_cast<void>(std::fwrite(buffer.data(), 1, buffer.size(), out));
    buffer.clear();
}

}  // namespace

Result<TimelineStats> write_inspection(CaptureReader& reader, const TimelineOptions& options, bool json,
                                       std::FILE* out) {
    std::string buffer;  // reused: no allocation per record once it has grown
    buffer.reserve(kFlushAt + 4096);
    std::int64_t start = 0;
    bool first = true;
    if (json) buffer += '[';
    auto stats = build_timeline(reader, options, [&](const TimelineRecord& record) {
        if (first) start = record.time_ns;
        if (json) {
            buffer += first ? "\n" : ",\n";
            buffer += to_json(record).dump();
        } else {
            // The section header's comments are known once the first packet was read.
            if (first) {
                for (const auto& c : reader.section_comments()) {
                    buffer += "# capture comment: ";
                    buffer += c;
                    buffer += '\n';
                }
            }
            append_text(buffer, record, start);
            buffer += '\n';
        }
        first = false;
        if (buffer.size() >= kFlushAt) flush(buffer, out);
    });
    if (json) buffer += first ? "]\n" : "\n]\n";
    flush(buffer, out);
    static_cast<void>(std::fflush(out));
    return stats;
}

}  // namespace hnbsec::pcap
