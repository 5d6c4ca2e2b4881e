#include "harness/bench/pcap_bench.h"

#include <filesystem>

#include <gtest/gtest.h>

namespace hnbsec::bench {
namespace {

// A small run of the whole bench: real handshakes, ESP both ways, our inspect decrypting
// every ESP packet, tshark and libpcap reading the same file, AES-GCM over as many octets.
// Timing is not asserted (the machine is shared); the table must carry the three ratios.
TEST(PcapBench, SmallRunPrintsTheRatios) {
    PcapBenchOptions options;
    options.packets = 5000;
    auto result = run_pcap_bench(options);
    ASSERT_TRUE(result.ok()) << result.error().message();
    EXPECT_GE(result->packets, 5000U);
    EXPECT_EQ(result->packets, result->ike_packets + result->esp_packets);
    EXPECT_EQ(result->inner_packets, result->esp_packets);
    EXPECT_GT(result->ike_packets, 4U);  // IKE_SA_INIT, IKE_AUTH, liveness, DELETE
    EXPECT_TRUE(result->capture.empty());
    EXPECT_GT(result->gcm_seconds, 0.0);
    EXPECT_GE(result->gcm_bytes, result->file_bytes);
    const PcapBenchRatios ratios = pcap_bench_ratios(*result);
    EXPECT_GT(ratios.no_keys_vs_libpcap, 0.0);
    EXPECT_GT(ratios.decrypt_vs_bound, 0.0);
    EXPECT_GT(ratios.tshark_time, 0.0);
    const std::string table = pcap_bench_table(*result);
    for (const char* line : {"ratio 1, header decode without keys / libpcap read, rate: ",
                             "ratio 2, decode with all ESP decrypted / min(libpcap read, AES-GCM), bytes/s: ",
                             "ratio 3, ours / tshark time, both decrypting: "}) {
        EXPECT_NE(table.find(line), std::string::npos) << table;
    }
}

TEST(PcapBench, MissingTsharkFailsClearly) {
    PcapBenchOptions options;
    options.packets = 200;
    options.tshark = "hnbsec-no-such-tshark";
    auto result = run_pcap_bench(options);
    ASSERT_FALSE(result.ok());
    EXPECT_NE(result.error().message().find("tshark is needed"), std::string::npos)
        << result.error().message();
}

}  // namespace
}  // namespace hnbsec::bench
