#pragma once
// `hnbsec bench pcap`: generates a large capture of real IKEv2 and ESP traffic with our own
// SAs (in-process handshakes of our initiator against our responder, liveness checks,
// deletes, then ESP both ways sealed with the negotiated Child SA keys), writes it as
// pcapng with the Wireshark key tables beside it, then in the same run times three readers
// of that file: our `hnbsec pcap inspect` code path (text, decrypting), `tshark -r` with the
// same keys (decrypting, output to /dev/null), and a plain libpcap read loop. Timing is
// reported as ratios against the targets, never asserted; the three fast readers (ours with and
// without keys, libpcap) are each timed as the best of three runs.

#include <cstddef>
#include <filesystem>
#include <string>

#include "core/result.h"

namespace hnbsec::bench {

struct PcapBenchOptions {
    std::size_t packets = 200000;  // outer packets to generate (at least this many)
    std::filesystem::path keep;    // when set: the capture is kept here, the key tables in <keep>.keys/
    std::string tshark = "tshark";
};

struct PcapBenchResult {
    std::size_t packets = 0;  // outer packets in the capture
    std::size_t ike_packets = 0;
    std::size_t esp_packets = 0;
    std::size_t inner_packets = 0;  // decrypted by our inspect
    std::size_t ike_sas = 0;
    std::uintmax_t file_bytes = 0;
    double generate_seconds = 0;
    double ours_seconds = 0;
    double ours_no_keys_seconds = 0;  // the same inspect without keys: decoding only, no decryption
    double tshark_seconds = 0;
    double libpcap_seconds = 0;
    std::filesystem::path capture;  // empty unless kept
};

inline constexpr double kPcapBenchTsharkTarget = 0.1;   // ours / tshark's time, at most
inline constexpr double kPcapBenchLibpcapTarget = 0.3;  // ours / libpcap's packet rate, at least

// Fails when tshark is missing or fails, or when our inspect does not decrypt every ESP packet.
Result<PcapBenchResult> run_pcap_bench(const PcapBenchOptions& options);

std::string pcap_bench_table(const PcapBenchResult& result);

}  // namespace hnbsec::bench
