#pragma once
// `hnbsec bench pcap`: generates a large capture of real IKEv2 and ESP traffic with our own
// SAs (in-process handshakes of our initiator against our responder, liveness checks,
// deletes, then ESP both ways sealed with the negotiated Child SA keys), writes it as
// pcapng with the Wireshark key tables beside it, then in the same run times the readers of
// that file: our `hnbsec pcap inspect` code path (text, decrypting, and without keys),
// `tshark -r` with the same keys (decrypting, output to /dev/null), a plain libpcap read
// loop, and OpenSSL's AES-128-GCM over as many octets in 1400-octet buffers. Timing is
// reported as ratios against the targets, never asserted; the fast ones (ours with and
// without keys, libpcap, AES-GCM) are each timed as the best of three runs.

#include <cstddef>
#include <cstdint>
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
    double gcm_seconds = 0;         // OpenSSL AES-128-GCM encrypting gcm_bytes in 1400-octet buffers
    std::uintmax_t gcm_bytes = 0;   // the capture's size, rounded up to whole buffers
    std::filesystem::path capture;  // empty unless kept
};

// Rates are of the same capture, so a ratio of rates is one of times (or, for AES-GCM, of
// octets per second).
struct PcapBenchRatios {
    double no_keys_vs_libpcap = 0;  // our header decode without keys / libpcap's read rate
    double decrypt_vs_bound = 0;    // ours decrypting / min(libpcap's read rate, AES-GCM's rate), bytes/s
    double tshark_time = 0;         // our time decrypting / tshark's time decrypting
};

inline constexpr double kPcapBenchLibpcapTarget = 0.3;  // no_keys_vs_libpcap, at least
inline constexpr double kPcapBenchDecryptTarget = 0.2;  // decrypt_vs_bound, at least
inline constexpr double kPcapBenchTsharkTarget = 0.1;   // tshark_time, at most

PcapBenchRatios pcap_bench_ratios(const PcapBenchResult& result);

// Fails when tshark is missing or fails, or when our inspect does not decrypt every ESP packet.
Result<PcapBenchResult> run_pcap_bench(const PcapBenchOptions& options);

std::string pcap_bench_table(const PcapBenchResult& result);

}  // namespace hnbsec::bench
