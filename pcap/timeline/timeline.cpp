#include "pcap/timeline/timeline.h"

namespace hnbsec::pcap {

std::string_view direction_name(Direction d) {
    switch (d) {
        case Direction::kFromDut:
            return "dut->harness";
        case Direction::kToDut:
            return "harness->dut";
        case Direction::kUnknown:
            break;
    }
    return "?";
}

Direction direction_of(const PacketDissection& d, const std::optional<Address>& dut) {
    if (!dut) return Direction::kUnknown;
    if (d.source == *dut) return Direction::kFromDut;
    if (d.destination == *dut) return Direction::kToDut;
    return Direction::kUnknown;
}

Result<TimelineStats> build_timeline(CaptureReader& reader, const TimelineOptions& options,
                                     const RecordSink& sink) {
    Dissector dissector;
    for (const auto& key : options.ike_keys) dissector.add_ike_key(key);
    dissector.set_esp_decryptor(options.esp);
    TimelineStats stats;
    // Reused for every packet: their buffers (layers, summary, comment) stay allocated.
    TimelineRecord record;
    TimelineRecord inner;
    for (;;) {
        auto next = reader.next();
        if (!next.ok()) {
            return std::move(next).error().context("reading packet " + std::to_string(stats.packets + 1));
        }
        if (!*next) break;
        const PacketView& packet = **next;
        ++stats.packets;
        const auto& interfaces = reader.interfaces();
        const LinkType link = packet.interface_id < interfaces.size()
                                  ? interfaces[packet.interface_id].link_type
                                  : LinkType::kEthernet;
        record.number = stats.packets;
        record.outer_number = 0;
        record.time_ns = packet.timestamp_ns;
        record.captured_length = static_cast<std::uint32_t>(packet.data.size());
        record.comment.assign(packet.comment);
        dissector.dissect_into(link, packet.data, record.dissection);
        record.direction = direction_of(record.dissection, options.dut);
        sink(record);
        if (!record.dissection.inner_packet.empty()) {
            // The inner packet travels the tunnel in the outer packet's direction.
            inner.number = stats.packets;
            inner.outer_number = stats.packets;
            inner.time_ns = record.time_ns;
            inner.direction = record.direction;
            inner.captured_length = static_cast<std::uint32_t>(record.dissection.inner_packet.size());
            dissector.dissect_ip_into(record.dissection.inner_packet, inner.dissection);
            ++stats.inner_packets;
            sink(inner);
        }
    }
    return stats;
}

Result<TimelineStats> build_timeline(const std::filesystem::path& capture, const TimelineOptions& options,
                                     const RecordSink& sink) {
    HNBSEC_TRY(CaptureReader reader, CaptureReader::open(capture));
    auto stats = build_timeline(reader, options, sink);
    if (!stats.ok()) return std::move(stats).error().context("reading " + capture.string());
    return stats;
}

Result<std::vector<TimelineRecord>> read_timeline(const std::filesystem::path& capture,
                                                  const TimelineOptions& options) {
    std::vector<TimelineRecord> records;
    HNBSEC_TRY(auto stats,
               build_timeline(capture, options, [&](const TimelineRecord& r) { records.push_back(r); }));
    static_cast<void>(stats);
    return records;
}

}  // namespace hnbsec::pcap
