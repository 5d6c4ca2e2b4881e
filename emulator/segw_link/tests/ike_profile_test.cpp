// The IKEv2 profile the device starts an attempt with, and what each IKE/ESP defect
// changes in it.

#include "emulator/segw_link/ike_profile.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "proto/ike/sa/test_pki.h"

namespace hnbsec::emulator {
namespace {

using ike::testing::test_pki;

HenbConfig henb_config() {
    HenbConfig c;
    c.device.identity = "00A0C9000001.hnb.lab.test";
    c.segw.address = "192.168.77.1";
    c.segw.fqdn = "segw.lab.test";
    c.segw.remote_networks = {"10.78.0.0/24"};
    c.backhaul.address = "192.168.77.2";
    return c;
}

struct Profile {
    HenbConfig config = henb_config();
    DefectSet defects;

    Result<ike::IkeSaConfig> make() {
        IkeProfileInputs in;
        in.config = &config;
        in.defects = &defects;
        in.device_key = test_pki().hnb_rsa.key.get();
        in.device_chain = {test_pki().hnb_rsa.cert_der};
        in.trust_anchors = {test_pki().ca_der};
        in.ocsp_responders = {test_pki().ca_der};
        return make_ike_config(in);
    }
};

std::string text_of(const ike::Id& id) {
    return {id.data.begin(), id.data.end()};
}

bool has_notify(const std::vector<ike::Payload>& payloads, ike::NotifyType type) {
    return std::any_of(payloads.begin(), payloads.end(), [&](const ike::Payload& p) {
        const auto* n = p.as<ike::Notify>();
        return n != nullptr && n->type == type;
    });
}

TEST(IkeProfile, ConformantDefaults) {
    Profile p;
    auto c = p.make();
    ASSERT_TRUE(c.ok()) << c.error().message();
    EXPECT_EQ(c->local_id.type, ike::IdType::kFqdn);
    EXPECT_EQ(text_of(c->local_id), "00A0C9000001.hnb.lab.test");
    ASSERT_TRUE(c->remote_id.has_value());
    EXPECT_EQ(text_of(*c->remote_id), "segw.lab.test");
    EXPECT_EQ(c->trust_anchor_spkis, std::vector<ike::Bytes>{test_pki().ca_spki_der});
    ASSERT_TRUE(c->ocsp_responder_hashes.has_value());
    EXPECT_EQ(c->ocsp_responder_hashes->size(), 1U);
    EXPECT_EQ(c->ocsp_responder_hashes->front().size(), 20U);
    EXPECT_EQ(ike::format_proposal(c->ike_proposals.front()), "aes256gcm16-prfsha256-ecp256");
    EXPECT_EQ(ike::format_proposal(c->esp_proposals.front()), "aes256gcm16");
    EXPECT_TRUE(c->request_address);
    EXPECT_TRUE(c->initiator_knobs.send_nat_detection);
    EXPECT_TRUE(c->initiator_knobs.answer_liveness);
    EXPECT_TRUE(c->extra_auth_payloads.empty());
    ASSERT_EQ(c->ts_remote.size(), 1U);
    EXPECT_EQ(c->ts_remote.front().start_address, (ike::Bytes{10, 78, 0, 0}));
    EXPECT_EQ(c->ts_remote.front().end_address, (ike::Bytes{10, 78, 0, 255}));
    EXPECT_NE(c->credentials.signer, nullptr);
}

TEST(IkeProfile, OcspRequestOffInTheConfigurationSendsNoOcspCertreq) {
    Profile p;
    p.config.segw.ocsp_request = false;
    EXPECT_FALSE(p.make()->ocsp_responder_hashes.has_value());
}

TEST(IkeProfile, IdentityAndCertreqDefects) {
    Profile p;
    p.defects.set(Defect::kWrongIdi);
    p.defects.set(Defect::kNoTrustAnchorCertreq);
    p.defects.set(Defect::kNoOcspCertreq);
    auto c = p.make();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(text_of(c->local_id), "00A0C9000002.hnb.lab.test");
    EXPECT_TRUE(c->trust_anchor_spkis.empty());
    EXPECT_FALSE(c->ocsp_responder_hashes.has_value());
    EXPECT_EQ(wrong_identity("00a0c900000f.hnb.lab.test"), "00a0c9000000.hnb.lab.test");
    EXPECT_EQ(wrong_identity("00A0C900000F"), "00A0C9000000");
}

TEST(IkeProfile, ProposalDefectsPutTheWeakProposalFirst) {
    Profile p;
    p.defects.set(Defect::kWeakIkeProposal);
    p.defects.set(Defect::kEspNullIntegrity);
    auto c = p.make();
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->ike_proposals.size(), 3U);
    EXPECT_EQ(ike::format_proposal(c->ike_proposals.front()), "3des-md5-prfmd5-modp1024");
    ASSERT_EQ(c->esp_proposals.size(), 3U);
    EXPECT_EQ(ike::format_proposal(c->esp_proposals.front()), "aes128");
    EXPECT_TRUE(c->esp_proposals.front().integ.empty());
}

TEST(IkeProfile, ExchangeDefects) {
    Profile p;
    p.defects.set(Defect::kNoCpRequest);
    p.defects.set(Defect::kNoNatDetection);
    p.defects.set(Defect::kIgnoreLiveness);
    p.defects.set(Defect::kRequestTransportMode);
    auto c = p.make();
    ASSERT_TRUE(c.ok());
    EXPECT_FALSE(c->request_address);
    EXPECT_FALSE(c->request_dns);
    EXPECT_FALSE(c->initiator_knobs.send_nat_detection);
    EXPECT_FALSE(c->initiator_knobs.answer_liveness);
    EXPECT_TRUE(has_notify(c->extra_auth_payloads, ike::NotifyType::kUseTransportMode));
}

TEST(IkeProfile, BadConfigurationValuesAreErrors) {
    Profile p;
    p.config.segw.remote_networks = {"10.78.0.0/33"};
    EXPECT_FALSE(p.make().ok());
    p.config.segw.remote_networks = {"10.78.0.0/24"};
    p.config.segw.esp_proposals = {"aes128-bogus"};
    EXPECT_FALSE(p.make().ok());
    EXPECT_FALSE(ts_from_cidr("no-address/8").ok());
    auto any = ts_from_cidr("0.0.0.0/0");
    ASSERT_TRUE(any.ok());
    EXPECT_EQ(any->end_address, (ike::Bytes{255, 255, 255, 255}));
    auto host = ts_from_cidr("10.78.0.10");
    ASSERT_TRUE(host.ok());
    EXPECT_EQ(host->start_address, host->end_address);
}

}  // namespace
}  // namespace hnbsec::emulator
