#pragma once
// The two suites the benches negotiate, the same pair the tshark cross-check covers:
// AES-CBC + HMAC-SHA2-256 over MODP-2048 with RSA certificates, and AES-GCM-16 over
// ECP-256 with ECDSA ones, and the IKE SA configurations of both ends for them (shared by
// `hnbsec bench ike` and `hnbsec bench pcap`).

#include "core/result.h"
#include "harness/bench/ike_bench.h"
#include "proto/ike/sa/config.h"
#include "proto/ike/sa/test_pki.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::bench {

struct BenchSuite {
    const char* name;          // "rsa", "ecdsa"
    const char* certificates;  // "RSA-2048", "ECDSA-P256"
    const char* ike;           // IKE proposal, strongSwan syntax
    const char* esp;           // ESP proposal
    ike::DhGroup group;
    const ike::testing::TestIdentity* hnb;
    const ike::testing::TestIdentity* segw;
};

BenchSuite bench_suite(IkeBenchSuite suite);

// The H(e)NB's IKE SA configuration (initiator): its test certificate and key, the suite's
// proposals, `validator` for the SeGW's certificate, the test CA as its CERTREQ anchor.
Result<ike::IkeSaConfig> bench_hnb_config(const BenchSuite& suite, ike::PeerValidator validator);
// The SeGW's (responder): any IPv4 address as its traffic selector, and 10.99.0.7 (DNS
// 10.99.0.1) as the inner address its configuration payload assigns.
Result<ike::IkeSaConfig> bench_segw_config(const BenchSuite& suite, ike::PeerValidator validator);

}  // namespace hnbsec::bench
