// Interop (root, tshark/capinfos/editcap/openssl): a test case's evidence opens in
// Wireshark with no set-up. A real TLS session (openssl s_server/s_client, in a namespace
// of the test's own) is captured as a case with its key log; tshark then decrypts the
// HTTP inside from the Decryption Secrets Block alone, lists our packet comments, and
// capinfos shows the capture comment. The control: the same file with its secrets
// discarded (editcap) shows no HTTP.

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/testing/shell.h"
#include "pcap/capture/case_capture.h"
#include "pcap/capture/namespace_fixture.h"

namespace hnbsec::pcap {
namespace {

// Runs a shell command; its standard output (stderr joined), and its exit status.
using hnbsec::test_support::run_shell;

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class CaseCaptureTshark : public testing::NamespaceCapture {
protected:
    void SetUp() override {
        NamespaceCapture::SetUp();
        dir_ = std::filesystem::temp_directory_path() / (ns_ + "-tls");
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    void TearDown() override {
        std::filesystem::remove_all(dir_);
        NamespaceCapture::TearDown();
    }
    // One HTTPS GET over TLS in the namespace; the client writes its NSS key log.
    void https_get(const std::string& path) {
        const std::string d = dir_.string();
        const auto [made, made_out] = run_shell(
            "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj "
            "/CN=hems.test "
            "-keyout " +
            d + "/key.pem -out " + d + "/cert.pem");
        ASSERT_EQ(made, 0) << made_out;
        // The server prints ACCEPT once it listens; the client starts after that (bounded).
        std::ofstream(dir_ / "session.sh")
            << "cd '" << d << "'\n"
            << "timeout 20 openssl s_server -accept 127.0.0.1:44330 -cert cert.pem -key key.pem -www "
               "-naccept 1 > server.out 2>&1 &\n"
            << "for i in $(seq 200); do grep -q ACCEPT server.out && break; sleep 0.05; done\n"
            << "printf 'GET " << path << " HTTP/1.0\\r\\n\\r\\n' | timeout 20 openssl s_client "
            << "-connect 127.0.0.1:44330 -keylogfile keylog.txt -quiet\n"
            << "wait\n";
        const auto [rc, out] = run_shell("ip netns exec " + ns_ + " sh " + (dir_ / "session.sh").string());
        ASSERT_EQ(rc, 0) << out;
        ASSERT_NE(out.find("200 ok"), std::string::npos) << out;
    }
    std::filesystem::path dir_;
};

TEST_F(CaseCaptureTshark, WiresharkDecryptsTheCaseFromItsDsbAndShowsOurComments) {
    CaseCaptureOptions options;
    options.interface = "lo";
    options.netns = ns_;
    options.filter = "tcp port 44330";
    options.dir = dir_ / "evidence";
    options.hnbsec_version = "0.0-test";
    options.test_case = "TC-DSB-001";
    options.profile_digest = "abcdef";
    auto capture = CaseCapture::start(options);
    ASSERT_TRUE(capture.ok()) << capture.error().message();
    (*capture)->step("client fetches over TLS");
    https_get("/hnbsec-dsb-check");
    ASSERT_TRUE((*capture)->stop().ok());
    (*capture)->cite(1, "PASS: the session began here");
    const std::string key_log = read_file(dir_ / "keylog.txt");
    ASSERT_NE(key_log.find("TRAFFIC_SECRET"), std::string::npos) << key_log;
    auto evidence = (*capture)->write_evidence({.tls_key_log = key_log});
    ASSERT_TRUE(evidence.ok()) << evidence.error().message();
    const std::string file = evidence->capture.string();

    // No -o option, no key log file: the DSB is all tshark gets.
    const auto [rc, uri] =
        run_shell("tshark -n -r " + file + " -Y http.request -T fields -e http.request.uri");
    ASSERT_EQ(rc, 0) << uri;
    EXPECT_NE(uri.find("/hnbsec-dsb-check"), std::string::npos) << uri;

    const auto [crc, comments] =
        run_shell("tshark -n -r " + file + " -Y frame.comment -T fields -e frame.comment");
    ASSERT_EQ(crc, 0) << comments;
    EXPECT_NE(comments.find("step 1: client fetches over TLS"), std::string::npos) << comments;
    EXPECT_NE(comments.find("PASS: the session began here"), std::string::npos) << comments;

    const auto [irc, info] = run_shell("capinfos " + file);
    ASSERT_EQ(irc, 0) << info;
    EXPECT_NE(info.find("hnbsec 0.0-test; test case TC-DSB-001; profile sha256:abcdef"), std::string::npos)
        << info;

    // The control: without the secrets, nothing decrypts.
    const std::string stripped = (dir_ / "stripped.pcapng").string();
    const auto [erc, eout] = run_shell("editcap --discard-all-secrets " + file + " " + stripped);
    ASSERT_EQ(erc, 0) << eout;
    const auto [src, suri] =
        run_shell("tshark -n -r " + stripped + " -Y http.request -T fields -e http.request.uri");
    ASSERT_EQ(src, 0) << suri;
    EXPECT_EQ(suri.find("/hnbsec-dsb-check"), std::string::npos) << suri;
}

}  // namespace
}  // namespace hnbsec::pcap
