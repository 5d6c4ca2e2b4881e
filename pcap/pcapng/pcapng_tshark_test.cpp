// Wireshark's own tools against our writer and reader: tshark lists our packet
// comments, capinfos shows our capture comment, and files editcap rewrites (pcap with
// µs and ns timestamps, pcapng) read back through our reader with the same packets.

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "core/testing/shell.h"
#include "pcap/pcapng/reader.h"
#include "pcap/pcapng/writer.h"

namespace hnbsec::pcap {
namespace {

SectionInfo section(const std::string& comment) {
    SectionInfo s;
    s.comment = comment;
    return s;
}

CaptureInterface interface(LinkType type, std::uint32_t snap, const std::string& name) {
    CaptureInterface i;
    i.link_type = type;
    i.snap_length = snap;
    i.name = name;
    return i;
}

// Runs a shell command, returns stdout; the test fails when the tool is missing.
std::string run(const std::string& command, int* status = nullptr) {
    auto result = hnbsec::test_support::run_shell(command, hnbsec::test_support::Stderr::kDiscarded);
    if (status != nullptr) *status = result.exit_code;
    return result.output;
}

class WiresharkTools : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ =
            std::filesystem::temp_directory_path() / ("hnbsec-pcapng-tshark-" + std::to_string(::getpid()));
        std::filesystem::create_directories(dir_);
        path_ = dir_ / "ours.pcapng";
        auto writer = PcapngWriter::create(path_, section("hnbsec 0.1.0 test TC_X_001 profile sha256:00ff"));
        ASSERT_TRUE(writer.ok());
        ASSERT_TRUE(writer->add_interface(interface(LinkType::kRaw, 262144, "lo")).ok());
        // IPv4/UDP 10.0.0.1:1234 -> 10.0.0.2:5678, 4 bytes of payload (checksums zero).
        packet_ = {0x45, 0, 0, 32, 0,    1,    0,    0,    64, 17, 0, 0, 10,  0,   0,   1,
                   10,   0, 0, 2,  0x04, 0xd2, 0x16, 0x2e, 0,  12, 0, 0, 'p', 'i', 'n', 'g'};
        ASSERT_TRUE(writer->write_packet(0, 1700000000000000001LL, packet_, 0, "first: DUT -> harness").ok());
        ASSERT_TRUE(writer->write_packet(0, 1700000000500000000LL, packet_, 0, "second comment").ok());
        ASSERT_TRUE(writer->write_packet(0, 1700000001000000000LL, packet_).ok());
        ASSERT_TRUE(writer->write_tls_key_log("CLIENT_RANDOM 0011 2233\n").ok());
        ASSERT_TRUE(writer->close().ok());
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }

    std::filesystem::path dir_;
    std::filesystem::path path_;
    std::vector<std::uint8_t> packet_;
};

TEST_F(WiresharkTools, TsharkListsOurPacketComments) {
    int status = -1;
    const std::string out =
        run("tshark -n -r " + path_.string() + " -Y frame.comment -T fields -e frame.number -e frame.comment",
            &status);
    ASSERT_EQ(status, 0) << "tshark missing or failed";
    EXPECT_EQ(out, "1\tfirst: DUT -> harness\n2\tsecond comment\n");
}

TEST_F(WiresharkTools, CapinfosShowsOurCaptureComment) {
    int status = -1;
    const std::string out = run("capinfos " + path_.string(), &status);
    ASSERT_EQ(status, 0) << "capinfos missing or failed";
    EXPECT_NE(out.find("Capture comment:     hnbsec 0.1.0 test TC_X_001 profile sha256:00ff"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("Number of packets:   3"), std::string::npos) << out;
}

TEST_F(WiresharkTools, TsharkTimestampsAreOurs) {
    int status = -1;
    const std::string out = run("tshark -n -r " + path_.string() + " -T fields -e frame.time_epoch", &status);
    ASSERT_EQ(status, 0);
    EXPECT_EQ(out.substr(0, out.find('\n')), "1700000000.000000001");
}

TEST_F(WiresharkTools, EditcapOutputsReadBack) {
    for (const std::string format : {"pcap", "nsecpcap", "pcapng"}) {
        const auto out = dir_ / ("editcap." + format);
        int status = -1;
        run("editcap -F " + format + " " + path_.string() + " " + out.string(), &status);
        ASSERT_EQ(status, 0) << "editcap -F " << format;
        auto contents = read_capture(out);
        ASSERT_TRUE(contents.ok()) << format << ": " << contents.error().message();
        EXPECT_EQ(contents->format, format == "pcapng" ? CaptureFormat::kPcapng : CaptureFormat::kPcap);
        ASSERT_EQ(contents->packets.size(), 3U) << format;
        EXPECT_EQ(contents->packets[2].data, packet_);
        EXPECT_EQ(contents->interfaces.at(0).link_type, LinkType::kRaw);
        const std::int64_t first = contents->packets[0].timestamp_ns;
        EXPECT_EQ(first, format == "pcap" ? 1700000000000000000LL : 1700000000000000001LL) << format;
        if (format == "pcapng") {
            EXPECT_EQ(contents->packets[0].comment, "first: DUT -> harness");
            EXPECT_EQ(contents->section_comments.at(0), "hnbsec 0.1.0 test TC_X_001 profile sha256:00ff");
        }
    }
}

// editcap writes a Decryption Secrets Block of its own; our reader finds the key log.
TEST_F(WiresharkTools, EditcapInjectedSecretsReadBack) {
    const auto keylog = dir_ / "keylog.txt";
    const std::string line = "CLIENT_RANDOM " + std::string(64, 'a') + " " + std::string(96, 'b') + "\n";
    std::FILE* f = std::fopen(keylog.c_str(), "w");
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(std::fwrite(line.data(), 1, line.size(), f), line.size());
    ASSERT_EQ(std::fclose(f), 0);
    const auto out = dir_ / "injected.pcapng";
    int status = -1;
    run("editcap --inject-secrets tls," + keylog.string() + " " + path_.string() + " " + out.string(),
        &status);
    ASSERT_EQ(status, 0) << "editcap --inject-secrets";
    auto contents = read_capture(out);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    ASSERT_FALSE(contents->decryption_secrets.empty());
    const auto& dsb = contents->decryption_secrets.front();
    EXPECT_EQ(dsb.type, kSecretsTlsKeyLog);
    EXPECT_NE(std::string(dsb.data.begin(), dsb.data.end()).find(line), std::string::npos);
}

TEST_F(WiresharkTools, TsharkWrittenCaptureReadsBack) {
    const auto out = dir_ / "tshark.pcapng";
    int status = -1;
    run("tshark -n -r " + path_.string() + " -w " + out.string(), &status);
    ASSERT_EQ(status, 0);
    auto contents = read_capture(out);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    ASSERT_EQ(contents->packets.size(), 3U);
    EXPECT_EQ(contents->packets[1].data, packet_);
}

}  // namespace
}  // namespace hnbsec::pcap
