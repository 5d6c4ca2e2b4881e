// Each traffic defect becomes exactly the request flag it names.

#include "emulator/device/requests.h"

#include <gtest/gtest.h>

#include "emulator/device/device_test_support.h"

namespace hnbsec::emulator {
namespace {

using namespace std::chrono_literals;

using testing::make_config;

class RequestsTest : public ::testing::Test {
protected:
    InformRequest inform() { return inform_request(config_, defects_, "10.78.1.2", credentials_); }

    HenbConfig config_ = make_config("/nonexistent");
    DefectSet defects_;
    tre::Credentials credentials_{nullptr, {{0x30, 0x00}}};
};

TEST_F(RequestsTest, InsideTimeQueryIsBoundToTheInnerAddress) {
    const TimeQuery q = inside_time_query(*config_.time, config_.backhaul, defects_, "10.78.1.2");
    EXPECT_EQ(q.server, "10.78.0.123");
    EXPECT_EQ(q.port, 123);
    EXPECT_EQ(q.bind_address, "10.78.1.2");
    EXPECT_FALSE(q.bind_device);
    EXPECT_TRUE(q.check_origin);
    EXPECT_EQ(q.timeout, config_.time->timeout);
}

TEST_F(RequestsTest, NtpOutsideTunnelBindsToTheBackhaulDevice) {
    defects_.set(Defect::kNtpOutsideTunnel);
    const TimeQuery q = inside_time_query(*config_.time, config_.backhaul, defects_, "10.78.1.2");
    EXPECT_EQ(q.bind_device, "veth-dut");
    EXPECT_FALSE(q.bind_address);
}

TEST_F(RequestsTest, SkipNtpOriginCheckClearsTheCheck) {
    defects_.set(Defect::kSkipNtpOriginCheck);
    EXPECT_FALSE(inside_time_query(*config_.time, config_.backhaul, defects_, "10.78.1.2").check_origin);
    EXPECT_FALSE(outside_time_query(*config_.time, config_.backhaul, defects_).check_origin);
}

TEST_F(RequestsTest, OutsideTimeQueryUsesTheBackhaulAddress) {
    const TimeQuery q = outside_time_query(*config_.time, config_.backhaul, defects_);
    EXPECT_EQ(q.bind_address, "192.168.77.2");
    EXPECT_TRUE(q.check_origin);
}

TEST_F(RequestsTest, PreAuthProbeLeavesOnTheBackhaul) {
    const TimeQuery q = pre_auth_probe_query(*config_.time, config_.backhaul);
    EXPECT_EQ(q.bind_device, "veth-dut");
    EXPECT_FALSE(q.bind_address);
}

TEST_F(RequestsTest, ConformantInform) {
    const InformRequest r = inform();
    EXPECT_EQ(r.url, "https://10.78.0.10:7547/cwmp");
    EXPECT_EQ(r.bind_address, "10.78.1.2");
    EXPECT_FALSE(r.bind_device);
    EXPECT_EQ(r.trust_anchors_pem, "/nonexistent/trust.pem");
    EXPECT_EQ(r.chain.size(), 1U);
    EXPECT_EQ(r.device_id.oui, "00A0C9");
    EXPECT_EQ(r.device_id.serial_number, "00A0C9000001");
    EXPECT_FALSE(r.plain_http);
    EXPECT_FALSE(r.offer_tls10);
    EXPECT_TRUE(r.verify_chain);
    EXPECT_TRUE(r.verify_hostname);
    EXPECT_TRUE(r.send_client_cert);
}

TEST_F(RequestsTest, PublicHemsUsesTheBackhaulAddressAndItsOwnAnchors) {
    config_.hems->inside = false;
    config_.hems->trust_anchors = "/nonexistent/hems-trust.pem";
    const InformRequest r = inform();
    EXPECT_EQ(r.bind_address, "192.168.77.2");
    EXPECT_EQ(r.trust_anchors_pem, "/nonexistent/hems-trust.pem");
}

TEST_F(RequestsTest, CwmpOutsideTunnelBindsToTheBackhaulDevice) {
    defects_.set(Defect::kCwmpOutsideTunnel);
    const InformRequest r = inform();
    EXPECT_EQ(r.bind_device, "veth-dut");
    EXPECT_FALSE(r.bind_address);
}

TEST_F(RequestsTest, CwmpPlainHttpChangesTheScheme) {
    defects_.set(Defect::kCwmpPlainHttp);
    const InformRequest r = inform();
    EXPECT_TRUE(r.plain_http);
    EXPECT_EQ(r.url, "http://10.78.0.10:7547/cwmp");
}

TEST_F(RequestsTest, TlsDefectsClearOneFlagEach) {
    defects_.set(Defect::kAcceptTls10);
    EXPECT_TRUE(inform().offer_tls10);
    defects_.clear_all();
    defects_.set(Defect::kAcceptUntrustedHemsCert);
    EXPECT_FALSE(inform().verify_chain);
    EXPECT_TRUE(inform().verify_hostname);
    defects_.clear_all();
    defects_.set(Defect::kSkipHemsHostnameCheck);
    EXPECT_FALSE(inform().verify_hostname);
    EXPECT_TRUE(inform().verify_chain);
    defects_.clear_all();
    defects_.set(Defect::kNoTlsClientCert);
    EXPECT_FALSE(inform().send_client_cert);
    EXPECT_FALSE(inform().offer_tls10);
}

TEST(DeviceId, FromIdentity) {
    EXPECT_EQ(device_id_from_identity("00A0C9000001.hnb.lab.test").serial_number, "00A0C9000001");
    EXPECT_EQ(device_id_from_identity("ABC").oui, "ABC");
    EXPECT_EQ(device_id_from_identity("").serial_number, "");
}

}  // namespace
}  // namespace hnbsec::emulator
