// The wire evidence of one test case (issue 7): the emulated H(e)NB boots in a lab that
// captures the DUT-facing link as a test case, from before the device's first packet.
// With key export opted in, the evidence stands on its own in Wireshark: tshark, given
// only the decryption tables we exported and the pcapng (whose Decryption Secrets Block
// holds the H(e)MS's TLS key log), decrypts ESP and then the TLS inside it down to the
// CWMP Inform; it lists our step and verdict comments; capinfos reads the capture
// comment. Our own timeline of the same capture answers the wire queries and the packets
// they cite carry the verdict as a comment. Without the opt-in no key is written anywhere.
//
// One process (ONE_PROCESS): the PKI and token are made once.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>

#include "core/testing/shell.h"
#include "harness/lab/emulated_lab_suite.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/query/wire_query.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/timeline.h"

namespace hnbsec::lab::testing {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr auto kBootTimeout = 60s;
constexpr auto kStepTimeout = 10s;

using hnbsec::test_support::run_shell;

unsigned mode_of(const fs::path& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return 0;
    return st.st_mode & 0777U;
}

// Our timeline of a capture, decrypted with the tables in `keys`.
Result<std::vector<pcap::TimelineRecord>> decrypted_timeline(const fs::path& capture, const fs::path& keys,
                                                             const std::string& dut) {
    HNBSEC_TRY(auto tables, pcap::load_decryption_keys(keys));
    HNBSEC_TRY(auto esp, pcap::EspSaDecryptor::create(tables.esp));
    pcap::TimelineOptions options;
    options.dut = pcap::parse_address(dut);
    options.ike_keys = std::move(tables.ike);
    options.esp = esp.get();
    return pcap::read_timeline(capture, options);
}

using EmulatedEvidenceTest = EmulatedLabSuite;

TEST_F(EmulatedEvidenceTest, KeysLetWiresharkDecryptCwmp) {
    ASSERT_NE(material_, nullptr);
    EmulatedLabOptions options;
    options.start_dut = false;
    options.export_keys = true;
    const fs::path dir = run_dir();
    auto started = EmulatedLab::start(*material_, options, dir);
    ASSERT_TRUE(started.ok()) << started.error().message();
    auto& lab = **started;
    ASSERT_NE(lab.recorder(), nullptr);
    auto& capture = lab.recorder()->capture();
    capture.step("power on the device");
    auto dut_started = lab.start_dut();
    ASSERT_TRUE(dut_started.ok()) << dut_started.error().message();
    ASSERT_TRUE(lab.timeline().wait_for(0, is_inform_received, kBootTimeout)) << lab.console_log();
    // A step needs a packet after it to land on: the SeGW's liveness check, sent after the
    // step is marked, and the device's answer, seen before the capture stops.
    capture.step("the device is in service; the SeGW checks its liveness");
    const auto mark = lab.timeline().mark();
    lab.services().check_liveness();
    ASSERT_TRUE(lab.timeline().wait_for(mark, is_liveness_confirmed, kStepTimeout)) << lab.console_log();

    // The verdict reads the capture (stopped) and cites the packets it stands on.
    ASSERT_TRUE(capture.stop().ok());
    const fs::path keys = dir / "evidence" / "keys";
    const std::string dut = lab.services().plan().dut_address;
    auto records = decrypted_timeline(capture.raw_capture(), keys, dut);
    ASSERT_TRUE(records.ok()) << records.error().message();
    const auto dut_address = *pcap::parse_address(dut);
    const auto clear = pcap::query::cleartext_from_dut(*records, dut_address);
    EXPECT_TRUE(clear.holds) << clear.reason;
    const auto ntp = pcap::query::first_ntp_request_inside_esp(*records, dut_address);
    ASSERT_TRUE(ntp.holds) << ntp.reason;
    ASSERT_FALSE(ntp.evidence.empty());
    capture.cite(ntp.evidence.front().number, "PASS: " + ntp.reason);
    const auto hello = pcap::query::client_hello_versions(*records, dut_address);
    ASSERT_TRUE(hello.found);
    ASSERT_FALSE(hello.evidence.empty());

    auto evidence = lab.finish_evidence();
    ASSERT_TRUE(evidence.ok()) << evidence.error().message();
    EXPECT_TRUE(evidence->tls_secrets_embedded);
    EXPECT_EQ(evidence->stats.dropped, 0U);
    EXPECT_FALSE(fs::exists(capture.raw_capture()));
    for (const char* name : {"ikev2_decryption_table", "esp_sa", "tls_keylog"}) {
        ASSERT_TRUE(fs::exists(keys / name)) << name;
        EXPECT_EQ(mode_of(keys / name), 0600U) << name;
    }

    // tshark, set up with nothing but a profile holding our two tables.
    const fs::path wireshark = dir / "wireshark";
    fs::create_directories(wireshark / "profiles" / "hnbsec");
    fs::copy_file(keys / "ikev2_decryption_table",
                  wireshark / "profiles" / "hnbsec" / "ikev2_decryption_table");
    fs::copy_file(keys / "esp_sa", wireshark / "profiles" / "hnbsec" / "esp_sa");
    const std::string tshark = "WIRESHARK_CONFIG_DIR=" + wireshark.string() + " tshark -n -C hnbsec -r " +
                               evidence->capture.string() + " -o esp.enable_encryption_decode:TRUE";
    const auto [rc, cwmp] =
        run_shell(tshark + " -Y 'http.request && xml' -T fields -e http.request.method -e xml.tag");
    ASSERT_EQ(rc, 0) << cwmp;
    EXPECT_NE(cwmp.find("POST"), std::string::npos) << cwmp;
    EXPECT_NE(cwmp.find("Inform"), std::string::npos) << cwmp;
    // The ClientHello our query cited is the one tshark decodes in that packet.
    const auto [hrc, hello_frames] =
        run_shell(tshark + " -Y tls.handshake.type==1 -T fields -e frame.number");
    ASSERT_EQ(hrc, 0) << hello_frames;
    EXPECT_NE(hello_frames.find(std::to_string(hello.evidence.front().number)), std::string::npos)
        << hello_frames;

    const auto [crc, comments] = run_shell("tshark -n -r " + evidence->capture.string() +
                                           " -Y frame.comment -T fields -e frame.number -e frame.comment");
    ASSERT_EQ(crc, 0) << comments;
    EXPECT_NE(comments.find("step 1: power on the device"), std::string::npos) << comments;
    EXPECT_NE(comments.find("step 2: the device is in service; the SeGW checks its liveness"),
              std::string::npos)
        << comments;
    EXPECT_NE(comments.find(std::to_string(ntp.evidence.front().number) + "\tPASS: "), std::string::npos)
        << comments;
    const auto [irc, info] = run_shell("capinfos " + evidence->capture.string());
    ASSERT_EQ(irc, 0) << info;
    EXPECT_NE(info.find("test case " + dir.filename().string()), std::string::npos) << info;
    EXPECT_NE(info.find("profile sha256:" + material_->profile.digest), std::string::npos) << info;
}

TEST_F(EmulatedEvidenceTest, NoOptInNoKeys) {
    ASSERT_NE(material_, nullptr);
    const fs::path dir = run_dir();
    auto started = EmulatedLab::start(*material_, EmulatedLabOptions{}, dir);
    ASSERT_TRUE(started.ok()) << started.error().message();
    auto& lab = **started;
    ASSERT_TRUE(lab.timeline().wait_for(0, is_inform_received, kBootTimeout)) << lab.console_log();
    auto evidence = lab.finish_evidence();
    ASSERT_TRUE(evidence.ok()) << evidence.error().message();
    EXPECT_FALSE(evidence->tls_secrets_embedded);
    EXPECT_GT(evidence->stats.packets_written, 0U);
    EXPECT_FALSE(fs::exists(dir / "evidence" / "keys"));
    EXPECT_TRUE(lab.services().tls_key_log().empty());
    std::ifstream in(evidence->summary);
    const auto summary = nlohmann::json::parse(in, nullptr, false);
    ASSERT_FALSE(summary.is_discarded());
    EXPECT_EQ(summary["pcap_stats"]["dropped"], 0);
    EXPECT_EQ(summary["interface"], lab.services().plan().public_link);
}

}  // namespace
}  // namespace hnbsec::lab::testing
