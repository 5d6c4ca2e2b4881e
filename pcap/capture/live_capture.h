#pragma once
// LiveCapture: libpcap on a named interface, streamed into our pcapng writer on a thread
// of its own. The handle is opened on that thread, so "capture in namespace X" works by
// entering /run/netns/X there first (setns(2) with CLONE_NEWNET changes the calling
// thread's namespace only; the rest of the process stays where it is).
//
//   auto cap = LiveCapture::start({.interface = "veth-segw", .netns = "hnbsec-segw", ...});
//   ... run the test case ...
//   auto stats = cap->stop();   // packets written, libpcap's received/dropped counters

#include <atomic>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "core/result.h"
#include "pcap/pcapng/blocks.h"

namespace hnbsec::pcap {

struct LiveCaptureOptions {
    std::string interface;         // "lo", "veth-segw", "any"
    std::string filter;            // BPF, e.g. "udp port 500 or udp port 4500"; empty: everything
    std::string netns;             // a name under /run/netns; empty: the caller's namespace
    std::filesystem::path output;  // the pcapng file to write
    SectionInfo section;           // capture comment: version, test case, profile digest
    int snap_length = 262144;
    int buffer_bytes = 4 * 1024 * 1024;
    int start_timeout_ms = 5000;  // bound on opening the handle
};

struct CaptureStats {
    std::uint64_t packets_written = 0;
    std::uint32_t received = 0;           // pcap_stats ps_recv
    std::uint32_t dropped = 0;            // ps_drop: no room in the buffer
    std::uint32_t interface_dropped = 0;  // ps_ifdrop
};

class LiveCapture {
public:
    // Returns once the handle is active and the filter installed: packets sent after
    // start() returns are captured.
    static Result<std::unique_ptr<LiveCapture>> start(const LiveCaptureOptions& options);
    ~LiveCapture();  // stops, ignoring errors
    LiveCapture(const LiveCapture&) = delete;
    LiveCapture& operator=(const LiveCapture&) = delete;

    std::uint64_t packets_written() const { return written_.load(); }
    // Stops within about 100 ms, writes the file out, returns the final counters.
    Result<CaptureStats> stop();

private:
    struct Worker;
    LiveCapture() = default;
    std::unique_ptr<Worker> worker_;
    std::atomic<std::uint64_t> written_{0};
};

// Enters network namespace /run/netns/<name> on the calling thread (CLONE_NEWNET).
Status enter_netns(const std::string& name);

}  // namespace hnbsec::pcap
