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

TimelineBuilder::TimelineBuilder(CaptureReader& reader, const TimelineOptions& options, bool summaries)
    : reader_(reader), options_(options) {
    for (const auto& key : options.ike_keys) dissector_.add_ike_key(key);
    dissector_.set_esp_decryptor(options.esp);
    dissector_.set_summaries(summaries);
}

Result<bool> TimelineBuilder::next(TimelineRecord& outer, TimelineRecord& inner, bool& has_inner) {
    has_inner = false;
    HNBSEC_TRY(const bool more, read(pending_));
    if (more) dissect(pending_, outer, inner, has_inner);
    return more;
}

Result<bool> TimelineBuilder::read(Pending& packet) {
    auto next = reader_.next();
    if (!next.ok()) return std::move(next).error().context("reading packet " + std::to_string(read_ + 1));
    if (!*next) return false;
    ++read_;
    const PacketView& view = **next;
    const auto& interfaces = reader_.interfaces();
    packet.data = view.data;
    packet.timestamp_ns = view.timestamp_ns;
    packet.link =
        view.interface_id < interfaces.size() ? interfaces[view.interface_id].link_type : LinkType::kEthernet;
    packet.comment.assign(view.comment);
    return true;
}

void TimelineBuilder::dissect(const Pending& packet, TimelineRecord& outer, TimelineRecord& inner,
                              bool& has_inner) {
    has_inner = false;
    ++stats_.packets;
    outer.number = stats_.packets;
    outer.outer_number = 0;
    outer.time_ns = packet.timestamp_ns;
    outer.captured_length = static_cast<std::uint32_t>(packet.data.size());
    outer.comment.assign(packet.comment);
    dissector_.dissect_into(packet.link, packet.data, outer.dissection);
    outer.direction = direction_of(outer.dissection, options_.dut);
    if (!outer.dissection.inner_packet.empty()) {
        // The inner packet travels the tunnel in the outer packet's direction.
        inner.number = stats_.packets;
        inner.outer_number = stats_.packets;
        inner.time_ns = outer.time_ns;
        inner.direction = outer.direction;
        inner.captured_length = static_cast<std::uint32_t>(outer.dissection.inner_packet.size());
        inner.comment.clear();
        dissector_.dissect_ip_into(outer.dissection.inner_packet, inner.dissection);
        ++stats_.inner_packets;
        has_inner = true;
    }
}

Result<TimelineStats> build_timeline(CaptureReader& reader, const TimelineOptions& options,
                                     const RecordSink& sink) {
    TimelineBuilder builder(reader, options);
    // Reused for every packet: their buffers (layers, summary, comment) stay allocated.
    TimelineRecord record;
    TimelineRecord inner;
    bool has_inner = false;
    for (;;) {
        HNBSEC_TRY(const bool more, builder.next(record, inner, has_inner));
        if (!more) break;
        sink(record);
        if (has_inner) sink(inner);
    }
    return builder.stats();
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
