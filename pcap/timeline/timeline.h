#pragma once
// Builds the timeline of a capture file, streaming: the file is read one packet at a
// time and each record is handed to a sink, so a 200k-packet capture never sits in
// memory. IKE SK payloads are decrypted with the given keys, ESP through an
// EspDecryptor (esp_sa_decryptor.h builds one from Wireshark's esp_sa rows).

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
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
