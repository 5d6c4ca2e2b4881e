#pragma once
// Builds the timeline of a capture file, streaming: the file is read one packet at a
// time and each record is handed to a sink, so a 200k-packet capture never sits in
// memory. IKE SK payloads are decrypted with the given keys, ESP through an
// EspDecryptor (esp_sa_decryptor.h builds one from Wireshark's esp_sa rows).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/result.h"
#include "pcap/dissect/dissection.h"
#include "pcap/dissect/dissector.h"
#include "pcap/dissect/esp_decryptor.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/pcapng/reader.h"
#include "pcap/timeline/record.h"

namespace hnbsec::pcap {

struct TimelineOptions {
    std::optional<Address> dut;  // for Direction
    std::vector<IkeDecryptionKey> ike_keys;
    EspDecryptor* esp = nullptr;  // not owned
};

using RecordSink = std::function<void(const TimelineRecord&)>;

struct TimelineStats {
    std::uint64_t packets = 0;
    std::uint64_t inner_packets = 0;
};

// The timeline one packet at a time, into records the caller keeps (and reuses: their
// buffers stay allocated). build_timeline() runs on it, and so does `hnbsec pcap inspect`,
// which hands batches of records to its formatting thread.
class TimelineBuilder {
public:
    // Both must outlive the builder. Without `summaries`, the records' summaries are left
    // for the caller to finish (Dissector::set_summaries()).
    TimelineBuilder(CaptureReader& reader, const TimelineOptions& options, bool summaries = true);

    // Reads the next packet into `outer` and returns true, or false at the end of the
    // file. When the packet carried a decrypted ESP inner packet, `inner` holds its record
    // and `has_inner` is set.
    Result<bool> next(TimelineRecord& outer, TimelineRecord& inner, bool& has_inner);
    const TimelineStats& stats() const { return stats_; }

    // next() in two steps, for a caller that reads ahead of dissecting (only where the
    // reader's data outlive next(): CaptureReader::data_outlives_next()).
    struct Pending {
        std::span<const std::uint8_t> data;  // the reader's
        std::int64_t timestamp_ns = 0;
        LinkType link = LinkType::kEthernet;
        std::string comment;
    };
    Result<bool> read(Pending& packet);
    void dissect(const Pending& packet, TimelineRecord& outer, TimelineRecord& inner, bool& has_inner);

private:
    CaptureReader& reader_;
    const TimelineOptions& options_;
    Dissector dissector_;
    TimelineStats stats_;     // of the packets dissected
    std::uint64_t read_ = 0;  // packets read
    Pending pending_;         // next()'s
};

// Reads every packet of `reader`; the sink sees each outer record, then its inner one.
Result<TimelineStats> build_timeline(CaptureReader& reader, const TimelineOptions& options,
                                     const RecordSink& sink);
Result<TimelineStats> build_timeline(const std::filesystem::path& capture, const TimelineOptions& options,
                                     const RecordSink& sink);

// Everything in memory (tests, small captures).
Result<std::vector<TimelineRecord>> read_timeline(const std::filesystem::path& capture,
                                                  const TimelineOptions& options);

Direction direction_of(const PacketDissection& d, const std::optional<Address>& dut);

}  // namespace hnbsec::pcap
