// A quick run of `hnbsec bench ike`: a few handshakes per suite, every one checked
// established; no timing assertion.

#include "harness/bench/ike_bench.h"

#include <gtest/gtest.h>

namespace hnbsec::bench {
namespace {

TEST(IkeBench, EveryHandshakeOfBothSuitesEstablishes) {
    IkeBenchOptions options;
    options.max_handshakes = 3;
    options.max_primitive_ops = 1;
    auto results = run_ike_bench(options);
    ASSERT_TRUE(results.ok()) << results.error().message();
    ASSERT_EQ(results->size(), 2U);
    for (const auto& r : *results) {
        EXPECT_EQ(r.handshakes, 3U) << r.suite;
        EXPECT_EQ(r.primitives.size(), 5U) << r.suite;
        EXPECT_GT(r.bound_per_second, 0) << r.suite;
        EXPECT_GT(r.ratio, 0) << r.suite;
    }
    EXPECT_NE(ike_bench_json(*results).find("\"handshakes\": 3"), std::string::npos);
}

// The loopback transport: the SeGW service on real sockets (ports 500/4500, hence root, as
// CI runs the tests), every handshake established over UDP with the NAT-T float.
TEST(IkeBench, LoopbackHandshakesEstablishOverRealSockets) {
    IkeBenchOptions options;
    options.max_handshakes = 3;
    options.max_primitive_ops = 1;
    options.loopback = true;
    options.loopback_address = "127.77.0.9";  // not the CLI's default: a user's run may be going on
    options.suites = {IkeBenchSuite::kEcdsa};
    auto results = run_ike_bench(options);
    ASSERT_TRUE(results.ok()) << results.error().message();
    ASSERT_EQ(results->size(), 1U);
    EXPECT_EQ(results->front().handshakes, 3U);
    EXPECT_EQ(results->front().transport, "loopback UDP");
}

// Several initiators in flight: every handshake counted established, the bound is the SeGW's
// own share of the primitives (each once per handshake).
TEST(IkeBench, ConcurrentLoopbackInitiatorsAllEstablish) {
    IkeBenchOptions options;
    options.max_handshakes = 7;
    options.max_primitive_ops = 1;
    options.loopback = true;
    options.loopback_address = "127.77.0.10";
    options.concurrency = 3;
    options.suites = {IkeBenchSuite::kEcdsa};
    auto results = run_ike_bench(options);
    ASSERT_TRUE(results.ok()) << results.error().message();
    EXPECT_EQ(results->front().handshakes, 7U);
    for (const auto& p : results->front().primitives) EXPECT_EQ(p.per_handshake, 1) << p.name;
}

}  // namespace
}  // namespace hnbsec::bench
