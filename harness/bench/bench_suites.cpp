#include "harness/bench/bench_suites.h"

#include <memory>
#include <string>

#include "proto/ike/sa/credentials.h"
#include "proto/ike/sa/proposals.h"

namespace hnbsec::bench {
namespace {

Result<ike::IkeSaConfig> end_config(const ike::testing::TestIdentity& me, const BenchSuite& suite,
                                    ike::PeerValidator validator) {
    auto ike_spec = ike::parse_proposal(suite.ike, ike::ProposalProtocol::kIke);
    if (!ike_spec.ok()) return Error(std::string("bad IKE proposal ") + suite.ike);
    auto esp_spec = ike::parse_proposal(suite.esp, ike::ProposalProtocol::kEsp);
    if (!esp_spec.ok()) return Error(std::string("bad ESP proposal ") + suite.esp);
    ike::IkeSaConfig c;
    c.local_id = me.id;
    c.credentials.chain = {me.cert_der};
    c.credentials.signer = std::make_shared<ike::EvpSigner>(me.key.get());
    c.validator = std::move(validator);
    c.ike_proposals = {*ike_spec};
    c.esp_proposals = {*esp_spec};
    return c;
}

}  // namespace

BenchSuite bench_suite(IkeBenchSuite suite) {
    const auto& pki = ike::testing::test_pki();
    if (suite == IkeBenchSuite::kRsa) {
        return {
            "rsa",        "RSA-2048",   "aes128-sha256-modp2048", "aes128-sha256", ike::DhGroup::kModp2048,
            &pki.hnb_rsa, &pki.segw_rsa};
    }
    return {"ecdsa",     "ECDSA-P256", "aes128gcm16-prfsha256-ecp256", "aes128gcm16", ike::DhGroup::kEcp256,
            &pki.hnb_ec, &pki.segw_ec};
}

Result<ike::IkeSaConfig> bench_hnb_config(const BenchSuite& suite, ike::PeerValidator validator) {
    HNBSEC_TRY(ike::IkeSaConfig c, end_config(*suite.hnb, suite, std::move(validator)));
    c.trust_anchor_spkis = {ike::testing::test_pki().ca_spki_der};
    return c;
}

Result<ike::IkeSaConfig> bench_segw_config(const BenchSuite& suite, ike::PeerValidator validator) {
    HNBSEC_TRY(ike::IkeSaConfig c, end_config(*suite.segw, suite, std::move(validator)));
    c.ts_local = {ike::ts_any_ip4()};
    c.address_pool = [](const ike::Id&) -> Result<ike::AddressAssignment> {
        return ike::AddressAssignment{ike::Bytes{10, 99, 0, 7}, {ike::Bytes{10, 99, 0, 1}}};
    };
    return c;
}

}  // namespace hnbsec::bench
