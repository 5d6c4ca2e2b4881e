#pragma once
// `hnbsec bench ike`: full IKE_SA_INIT + IKE_AUTH handshakes (certificates, CHILD_SA, CP)
// per second of our SeGW driven by our IkeInitiator, set against the OpenSSL bound: the
// rate the unavoidable public-key operations of one handshake alone would allow. Two
// transports: in-process (datagrams handed over directly, one thread) and loopback (the
// SeGW service on real UDP sockets on its own thread, one handshake at a time).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace hnbsec::bench {

enum class IkeBenchSuite : std::uint8_t {
    kRsa,    // RSA-2048 certificates, aes128-sha256-modp2048
    kEcdsa,  // ECDSA P-256 certificates, aes128gcm16-prfsha256-ecp256
};

struct IkeBenchOptions {
    std::vector<IkeBenchSuite> suites{IkeBenchSuite::kRsa, IkeBenchSuite::kEcdsa};
    double handshake_seconds = 2.0;  // duration of the handshake measurement, per suite
    double primitive_seconds = 1.0;  // duration of each primitive's measurement
    // When non-zero, run exactly this many handshakes / operations of each primitive
    // instead of for the durations; for quick tests.
    std::size_t max_handshakes = 0;
    std::size_t max_primitive_ops = 0;
    // Loopback: the SegwService on this address, UDP ports 500 and 4500 (needs root).
    bool loopback = false;
    std::string loopback_address = "127.77.0.1";
    // Loopback only: initiators in flight at once (1: one handshake at a time, both ends'
    // primitives in the bound; more: the SeGW under load, only its own share in the bound).
    std::size_t concurrency = 1;
};

// One OpenSSL primitive: its measured cost and how often one handshake needs it.
struct PrimitiveCost {
    std::string name;
    std::size_t operations = 0;  // measured
    double seconds_per_op = 0;
    int per_handshake = 0;
};

struct IkeBenchResult {
    std::string transport;     // "in-process" / "loopback UDP"
    std::string suite;         // "rsa" / "ecdsa"
    std::string certificates;  // "RSA-2048" / "ECDSA-P256"
    std::string ike_proposal;
    std::string esp_proposal;
    std::size_t handshakes = 0;  // established, each checked
    double seconds = 0;
    double handshakes_per_second = 0;
    std::vector<PrimitiveCost> primitives;
    double bound_per_second = 0;  // 1 / sum(per_handshake * seconds_per_op)
    double ratio = 0;             // handshakes_per_second / bound_per_second
};

inline constexpr double kIkeBenchTargetRatio = 0.5;

// Fails (naming the suite and the events) as soon as one handshake does not establish.
Result<std::vector<IkeBenchResult>> run_ike_bench(const IkeBenchOptions& options);

std::string ike_bench_table(const std::vector<IkeBenchResult>& results);
std::string ike_bench_json(const std::vector<IkeBenchResult>& results);

}  // namespace hnbsec::bench
