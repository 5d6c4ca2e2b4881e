// A quick run of `hnbsec bench esp`: a few hundred packets per suite, every one accepted,
// a sane ratio; no timing assertion beyond "greater than zero".

#include "harness/bench/esp_bench.h"

#include <gtest/gtest.h>

namespace hnbsec::bench {
namespace {

TEST(EspBench, EverySuiteRoundTripsAndReportsARatio) {
    EspBenchOptions options;
    options.max_packets = 300;
    auto results = run_esp_bench(options);
    ASSERT_TRUE(results.ok()) << results.error().message();
    ASSERT_EQ(results->size(), 3U);
    for (const auto& r : *results) {
        EXPECT_EQ(r.packets, 300U) << r.suite;
        EXPECT_EQ(r.openssl_packets, 300U) << r.suite;
        EXPECT_GT(r.mbit_per_second, 0) << r.suite;
        EXPECT_GT(r.openssl_mbit_per_second, 0) << r.suite;
        EXPECT_GT(r.ratio, 0) << r.suite;
    }
    EXPECT_EQ(results->at(0).transform, "AES_GCM_16_128");
    EXPECT_NE(esp_bench_json(*results).find("\"packets\": 300"), std::string::npos);
    EXPECT_NE(esp_bench_table(*results).find("aes128-sha256"), std::string::npos);
}

TEST(EspBench, ShortDurationRunsAndRejectsBadSizes) {
    EspBenchOptions options;
    options.suites = {EspBenchSuite::kAesGcm128};
    options.seconds = 0.05;
    options.packet_size = 100;
    auto results = run_esp_bench(options);
    ASSERT_TRUE(results.ok()) << results.error().message();
    EXPECT_GT(results->at(0).ratio, 0);
    options.packet_size = 10;
    EXPECT_FALSE(run_esp_bench(options).ok());
}

}  // namespace
}  // namespace hnbsec::bench
