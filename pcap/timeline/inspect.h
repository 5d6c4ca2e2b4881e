#pragma once
// The output of `hnbsec pcap inspect` (text lines or a JSON array), streamed to a FILE:
// one code path for the command and for `hnbsec bench pcap`, which times it. It runs on
// two threads (see inspect.cpp); the output is the same as formatting build_timeline()'s
// records one by one.

#include <cstdio>

#include "core/result.h"
#include "pcap/pcapng/reader.h"
#include "pcap/timeline/timeline.h"

namespace hnbsec::pcap {

// Text: the capture comments ("# capture comment: ..."), then one line per record with
// times relative to the first packet. JSON: one array, one object per record.
Result<TimelineStats> write_inspection(CaptureReader& reader, const TimelineOptions& options, bool json,
                                       std::FILE* out);

}  // namespace hnbsec::pcap
