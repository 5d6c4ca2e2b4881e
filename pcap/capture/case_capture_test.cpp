// Root test: a test case's capture in a namespace of the test's own: steps land on the
// first packet after them, verdict citations on the packets they name, the TLS key log
// goes into a DSB before every packet (only when given), libpcap's counters into the
// summary and an ISB, and the raw file is gone afterwards.

#include "pcap/capture/case_capture.h"

#include <chrono>
#include <fstream>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pcap/capture/namespace_fixture.h"
#include "pcap/pcapng/format.h"
#include "pcap/pcapng/reader.h"

namespace hnbsec::pcap {
namespace {

class CaseCaptureTest : public testing::NamespaceCapture {
protected:
    void SetUp() override {
        NamespaceCapture::SetUp();
        dir_ = std::filesystem::temp_directory_path() / (ns_ + "-case");
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        NamespaceCapture::TearDown();
    }
    CaseCaptureOptions options() const {
        CaseCaptureOptions o;
        o.interface = "lo";
        o.netns = ns_;
        o.filter = "udp port 39999";
        o.dir = dir_;
        o.hnbsec_version = "0.0-test";
        o.test_case = "TC-EXAMPLE-001";
        o.profile_digest = "00ff";
        return o;
    }
    // Polls the packet counter with a deadline: the capture thread writes asynchronously.
    static bool wait_captured(const CaseCapture& capture, std::uint64_t count) {
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        while (capture.packets_captured() < count) {
            if (std::chrono::steady_clock::now() > deadline) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        return true;
    }
    std::filesystem::path dir_;
};

TEST_F(CaseCaptureTest, StepsCitationsSecretsAndCountersReachTheEvidence) {
    auto capture = CaseCapture::start(options());
    ASSERT_TRUE(capture.ok()) << capture.error().message();
    CaseCapture& c = **capture;
    EXPECT_EQ(c.step("first burst"), 1);
    send_udp(39999, 2);
    ASSERT_TRUE(wait_captured(c, 2));
    EXPECT_EQ(c.step("second burst"), 2);
    send_udp(39999, 3);
    send_udp(39998, 1);  // filtered out
    ASSERT_TRUE(wait_captured(c, 5));
    EXPECT_EQ(c.step("silence"), 3);  // nothing follows: placed on no packet
    auto stats = c.stop();
    ASSERT_TRUE(stats.ok()) << stats.error().message();
    EXPECT_EQ(stats->packets_written, 5U);
    EXPECT_TRUE(std::filesystem::exists(c.raw_capture()));
    c.cite(4, "FAIL: example reason");
    c.cite(4, "second reason");
    const std::string key_log = "CLIENT_RANDOM 00112233 44556677\n";
    auto evidence = c.write_evidence({.tls_key_log = key_log});
    ASSERT_TRUE(evidence.ok()) << evidence.error().message();
    EXPECT_FALSE(std::filesystem::exists(c.raw_capture()));
    EXPECT_TRUE(evidence->tls_secrets_embedded);
    EXPECT_EQ(evidence->packet_comments, 3U);
    ASSERT_EQ(evidence->steps.size(), 3U);
    EXPECT_EQ(evidence->steps[0].packet, 1U);
    EXPECT_EQ(evidence->steps[1].packet, 3U);
    EXPECT_FALSE(evidence->steps[2].packet.has_value());

    auto contents = read_capture(evidence->capture);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    ASSERT_EQ(contents->section_comments.size(), 1U);
    EXPECT_EQ(contents->section_comments[0],
              "hnbsec 0.0-test; test case TC-EXAMPLE-001; profile sha256:00ff");
    ASSERT_EQ(contents->packets.size(), 5U);
    EXPECT_EQ(contents->packets[0].comment, "step 1: first burst");
    EXPECT_EQ(contents->packets[1].comment, "");
    EXPECT_EQ(contents->packets[2].comment, "step 2: second burst");
    EXPECT_EQ(contents->packets[3].comment, "FAIL: example reason\nsecond reason");
    ASSERT_EQ(contents->decryption_secrets.size(), 1U);
    EXPECT_EQ(contents->decryption_secrets[0].type, kSecretsTlsKeyLog);
    EXPECT_EQ(
        std::string(contents->decryption_secrets[0].data.begin(), contents->decryption_secrets[0].data.end()),
        key_log);

    std::ifstream in(evidence->summary);
    const auto summary = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    EXPECT_EQ(summary["packets_written"], 5);
    EXPECT_EQ(summary["pcap_stats"]["dropped"], 0);
    EXPECT_GE(summary["pcap_stats"]["received"].get<int>(), 5);
    EXPECT_EQ(summary["filter"], "udp port 39999");
    EXPECT_EQ(summary["steps"][1]["first_packet"], 3);
    EXPECT_TRUE(summary["steps"][2]["first_packet"].is_null());
}

TEST_F(CaseCaptureTest, NoSecretsNoDsbAndAnEmptyCaptureIsEvidenceToo) {
    auto capture = CaseCapture::start(options());
    ASSERT_TRUE(capture.ok()) << capture.error().message();
    (*capture)->step("nothing happens");
    auto evidence = (*capture)->write_evidence();
    ASSERT_TRUE(evidence.ok()) << evidence.error().message();
    EXPECT_FALSE(evidence->tls_secrets_embedded);
    auto contents = read_capture(evidence->capture);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    EXPECT_TRUE(contents->decryption_secrets.empty());
    EXPECT_TRUE(contents->packets.empty());
    ASSERT_EQ(contents->interfaces.size(), 1U);
    EXPECT_EQ(contents->interfaces[0].name, "lo");
}

TEST_F(CaseCaptureTest, ABadFilterIsAnErrorThatNamesIt) {
    auto o = options();
    o.filter = "udp port";
    auto capture = CaseCapture::start(o);
    ASSERT_FALSE(capture.ok());
    EXPECT_NE(capture.error().message().find("BPF filter"), std::string::npos) << capture.error().message();
}

}  // namespace
}  // namespace hnbsec::pcap
