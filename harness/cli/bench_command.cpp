#include "harness/cli/bench_command.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <string>

#include "harness/bench/ike_bench.h"

namespace hnbsec::cli {
namespace {

struct BenchIkeOptions {
    double seconds = 2.0;
    std::string suite = "all";
    bool json = false;
    bool loopback = false;
};

int run_bench_ike(const BenchIkeOptions& options) {
    bench::IkeBenchOptions bench_options;
    bench_options.handshake_seconds = options.seconds;
    bench_options.primitive_seconds = std::min(1.0, options.seconds);
    bench_options.loopback = options.loopback;
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
    ike->final_callback([&action, options] { action = [options] { return run_bench_ike(*options); }; });
}

}  // namespace hnbsec::cli
