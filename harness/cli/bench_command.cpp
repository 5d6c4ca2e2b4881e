#include "harness/cli/bench_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "harness/bench/esp_bench.h"
#include "harness/bench/ike_bench.h"
#include "harness/bench/pcap_bench.h"

namespace hnbsec::cli {
namespace {

struct BenchIkeOptions {
    double seconds = 2.0;
    std::string suite = "all";
    bool json = false;
    bool loopback = false;
    std::size_t concurrency = 1;
};

int run_bench_ike(const BenchIkeOptions& options) {
    bench::IkeBenchOptions bench_options;
    bench_options.handshake_seconds = options.seconds;
    bench_options.primitive_seconds = std::min(1.0, options.seconds);
    bench_options.loopback = options.loopback;
    bench_options.concurrency = options.concurrency;
    if (options.suite == "rsa") bench_options.suites = {bench::IkeBenchSuite::kRsa};
    if (options.suite == "ecdsa") bench_options.suites = {bench::IkeBenchSuite::kEcdsa};
    auto results = bench::run_ike_bench(bench_options);
    if (!results.ok()) {
        std::cerr << "hnbsec bench ike: " << results.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << (options.json ? bench::ike_bench_json(*results) : bench::ike_bench_table(*results));
    return kExitOk;
}

struct BenchEspOptions {
    double seconds = 1.0;
    std::size_t size = 1400;
    std::string suite = "all";
    bool json = false;
};

int run_bench_esp(const BenchEspOptions& options) {
    bench::EspBenchOptions bench_options;
    bench_options.seconds = options.seconds;
    bench_options.packet_size = options.size;
    if (options.suite == "aes128gcm16") bench_options.suites = {bench::EspBenchSuite::kAesGcm128};
    if (options.suite == "aes256gcm16") bench_options.suites = {bench::EspBenchSuite::kAesGcm256};
    if (options.suite == "aes128-sha256") bench_options.suites = {bench::EspBenchSuite::kAesCbc128Sha256};
    auto results = bench::run_esp_bench(bench_options);
    if (!results.ok()) {
        std::cerr << "hnbsec bench esp: " << results.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << (options.json ? bench::esp_bench_json(*results) : bench::esp_bench_table(*results));
    return kExitOk;
}

void register_bench_esp(CLI::App& bench, Action& action) {
    auto options = std::make_shared<BenchEspOptions>();
    auto* esp = bench.add_subcommand(
        "esp",
        "ESP encrypt + decrypt throughput (Mbit/s, packets/s) of one SA pair through our userspace ESP "
        "(seal, then open with replay, ICV, padding, inner-packet and TS checks), single-threaded, beside "
        "OpenSSL's raw EVP speed for the same transform on the same buffers, and their ratio");
    esp->add_option("--seconds", options->seconds,
                    "Duration of each measurement (ours and OpenSSL's) per suite (default 1)")
        ->check(CLI::PositiveNumber);
    esp->add_option("--size", options->size, "Inner IPv4/UDP packet size in octets (default 1400)")
        ->check(CLI::Range(28, 65535));
    esp->add_option("--suite", options->suite, "aes128gcm16, aes256gcm16, aes128-sha256 or all (default)")
        ->check(CLI::IsMember({"aes128gcm16", "aes256gcm16", "aes128-sha256", "all"}));
    esp->add_flag("--json", options->json, "Print the results as one JSON object");
    esp->final_callback([&action, options] { action = [options] { return run_bench_esp(*options); }; });
}

struct BenchPcapOptions {
    std::size_t packets = 200000;
    std::string keep;
};

int run_bench_pcap(const BenchPcapOptions& options) {
    bench::PcapBenchOptions bench_options;
    bench_options.packets = options.packets;
    bench_options.keep = options.keep;
    auto result = bench::run_pcap_bench(bench_options);
    if (!result.ok()) {
        std::cerr << "hnbsec bench pcap: " << result.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << bench::pcap_bench_table(*result);
    return kExitOk;
}

void register_bench_pcap(CLI::App& bench, Action& action) {
    auto options = std::make_shared<BenchPcapOptions>();
    auto* pcap = bench.add_subcommand(
        "pcap",
        "Generates a capture of real IKEv2 + ESP traffic with our own SAs (pcapng + Wireshark key tables), "
        "then times `hnbsec pcap inspect` (decrypting), `tshark -r` with the same keys and a plain libpcap "
        "read loop on it in the same run, and prints the ratios against the targets (needs tshark)");
    pcap->add_option("--packets", options->packets, "Packets to generate (default 200000)")
        ->check(CLI::Range(std::size_t{100}, std::size_t{50000000}));
    pcap->add_option("--keep", options->keep,
                     "Keep the capture as FILE (its key tables in FILE.keys/); by default it is removed");
    pcap->final_callback([&action, options] { action = [options] { return run_bench_pcap(*options); }; });
}

}  // namespace

void register_bench_command(CLI::App& app, Action& action) {
    auto* bench = app.add_subcommand("bench", "Measure the throughput of hnbsec's own protocol logic");
    bench->require_subcommand(1);
    auto options = std::make_shared<BenchIkeOptions>();
    auto* ike = bench->add_subcommand(
        "ike",
        "Full IKE_SA_INIT + IKE_AUTH handshakes per second (certificates, CHILD_SA, CP) of our responder "
        "driven by our initiator in-process, single-threaded, against the OpenSSL bound of the same "
        "primitives (2 signs, 2 verifies, 2 chain verifies, 2 DH keygens, 2 DH derives per handshake)");
    ike->add_option("--seconds", options->seconds,
                    "Duration of the handshake measurement per suite (default 2; each primitive is timed "
                    "for min(1, N) seconds)")
        ->check(CLI::PositiveNumber);
    ike->add_option("--suite", options->suite,
                    "rsa (RSA-2048 + aes128-sha256-modp2048), ecdsa (ECDSA-P256 + "
                    "aes128gcm16-prfsha256-ecp256) or all (default)")
        ->check(CLI::IsMember({"rsa", "ecdsa", "all"}));
    ike->add_flag("--json", options->json, "Print the results as one JSON object");
    ike->add_flag("--loopback", options->loopback,
                  "Drive the SeGW service over real UDP sockets (ports 500/4500 on 127.77.0.1, needs root) "
                  "instead of in-process");
    ike->add_option(
           "--concurrency", options->concurrency,
           "With --loopback: initiators in flight at once (default 1); above 1 the bound is the SeGW's "
           "own share of the primitives")
        ->check(CLI::Range(1, 64));
    ike->final_callback([&action, options] { action = [options] { return run_bench_ike(*options); }; });
    register_bench_esp(*bench, action);
    register_bench_pcap(*bench, action);
}

}  // namespace hnbsec::cli
