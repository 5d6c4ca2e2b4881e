#pragma once
// `hnbsec bench esp`: throughput of one ESP SA pair through our code (OutboundSa::seal, then
// InboundSa::open with every check: replay window, ICV, padding, inner packet, selectors),
// single-threaded, set against OpenSSL's raw EVP speed for the same transform on the same
// buffers in the same run (AES-GCM: one encrypt + one decrypt with tag; AES-CBC + HMAC:
// encrypt + MAC, then MAC check + decrypt), with the cipher fetched and keyed once in both.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace hnbsec::bench {

enum class EspBenchSuite : std::uint8_t {
    kAesGcm128,        // aes128gcm16
    kAesGcm256,        // aes256gcm16
    kAesCbc128Sha256,  // aes128-sha256
};

struct EspBenchOptions {
    std::vector<EspBenchSuite> suites{EspBenchSuite::kAesGcm128, EspBenchSuite::kAesGcm256,
                                      EspBenchSuite::kAesCbc128Sha256};
    double seconds = 1.0;            // per suite and per side (ours, OpenSSL's)
    std::size_t packet_size = 1400;  // inner IPv4/UDP packet, octets
    std::size_t max_packets = 0;     // when non-zero: exactly this many packets per side (tests)
};

struct EspBenchResult {
    std::string suite;      // "aes128gcm16"
    std::string transform;  // strongSwan notation, "AES_GCM_16_128"
    std::size_t packet_size = 0;
    std::size_t packets = 0;  // sealed and opened (each accepted), ours
    double seconds = 0;
    double packets_per_second = 0;  // encrypt + decrypt round trips per second
    double mbit_per_second = 0;     // inner octets x 8 per second, one round trip counting once
    std::size_t openssl_packets = 0;
    double openssl_seconds = 0;
    double openssl_packets_per_second = 0;
    double openssl_mbit_per_second = 0;
    double ratio = 0;  // ours / OpenSSL's
};

inline constexpr double kEspBenchTargetRatio = 0.4;

// Fails (naming the suite and the packet's outcome) as soon as one packet is not accepted.
Result<std::vector<EspBenchResult>> run_esp_bench(const EspBenchOptions& options);

std::string esp_bench_table(const std::vector<EspBenchResult>& results);
std::string esp_bench_json(const std::vector<EspBenchResult>& results);

}  // namespace hnbsec::bench
