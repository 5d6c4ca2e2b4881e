#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "pcap/pcapng/blocks.h"
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

std::filesystem::path temp_file(const std::string& name) {
    return std::filesystem::temp_directory_path() /
           ("hnbsec-pcapng-" + std::to_string(::getpid()) + "-" + name);
}

std::vector<std::uint8_t> packet_a() {
    return {0x45, 0x00, 0x00, 0x1d, 1, 2, 3};
}
std::vector<std::uint8_t> packet_b() {
    return {0x60, 0, 0, 0, 0, 0, 17, 64, 9};
}

TEST(Pcapng, WrittenFileReadsBackWithCommentsAndSecrets) {
    const auto path = temp_file("roundtrip.pcapng");
    {
        auto writer = PcapngWriter::create(path, section("hnbsec 0.1.0 TC_DEVAUTH_001 profile sha256:ab"));
        ASSERT_TRUE(writer.ok()) << writer.error().message();
        auto id = writer->add_interface(interface(LinkType::kRaw, 65535, "veth-segw"));
        ASSERT_TRUE(id.ok());
        EXPECT_EQ(*id, 0U);
        ASSERT_TRUE(
            writer->write_packet(0, 1700000000123456789LL, packet_a(), 0, "IKE_SA_INIT request").ok());
        ASSERT_TRUE(writer->write_tls_key_log("CLIENT_RANDOM 00 11\n").ok());
        ASSERT_TRUE(writer->write_packet(0, 1700000001000000000LL, packet_b(), 1500).ok());
        EXPECT_FALSE(writer->write_packet(1, 0, packet_b()).ok());  // undescribed interface
        ASSERT_TRUE(writer->close().ok());
    }
    auto contents = read_capture(path);
    ASSERT_TRUE(contents.ok()) << contents.error().message();
    EXPECT_EQ(contents->format, CaptureFormat::kPcapng);
    ASSERT_EQ(contents->section_comments.size(), 1U);
    EXPECT_EQ(contents->section_comments[0], "hnbsec 0.1.0 TC_DEVAUTH_001 profile sha256:ab");
    ASSERT_EQ(contents->interfaces.size(), 1U);
    EXPECT_EQ(contents->interfaces[0].name, "veth-segw");
    EXPECT_EQ(contents->interfaces[0].link_type, LinkType::kRaw);
    EXPECT_EQ(contents->interfaces[0].units_per_second, 1000000000ULL);
    ASSERT_EQ(contents->packets.size(), 2U);
    EXPECT_EQ(contents->packets[0].data, packet_a());
    EXPECT_EQ(contents->packets[0].timestamp_ns, 1700000000123456789LL);
    EXPECT_EQ(contents->packets[0].comment, "IKE_SA_INIT request");
    EXPECT_EQ(contents->packets[1].data, packet_b());
    EXPECT_EQ(contents->packets[1].original_length, 1500U);
    EXPECT_EQ(contents->packets[1].comment, "");
    ASSERT_EQ(contents->decryption_secrets.size(), 1U);
    EXPECT_EQ(contents->decryption_secrets[0].type, kSecretsTlsKeyLog);
    EXPECT_EQ(
        std::string(contents->decryption_secrets[0].data.begin(), contents->decryption_secrets[0].data.end()),
        "CLIENT_RANDOM 00 11\n");
    std::filesystem::remove(path);
}

// The reader hands out packets from a chunk of the file it refills: a file of several
// chunks, with packets of every length (up to one larger than a chunk's remainder) and a
// comment on some, must read back exactly, in order, across every refill.
TEST(Pcapng, ManyChunksReadBackExactly) {
    const auto path = temp_file("chunks.pcapng");
    std::vector<std::vector<std::uint8_t>> written;
    {
        auto writer = PcapngWriter::create(path, section("chunks"));
        ASSERT_TRUE(writer.ok()) << writer.error().message();
        ASSERT_TRUE(writer->add_interface(interface(LinkType::kRaw, 0, "lo")).ok());
        std::size_t total = 0;
        for (std::size_t i = 0; total < (std::size_t{3} << 20U); ++i) {
            const std::size_t length = i % 97 == 0 ? 65000 : 1 + (i * 37) % 1500;
            std::vector<std::uint8_t> packet(length);
            for (std::size_t j = 0; j < length; ++j) packet[j] = static_cast<std::uint8_t>(i + j);
            const std::string comment = i % 5 == 0 ? "packet " + std::to_string(i) : "";
            ASSERT_TRUE(writer->write_packet(0, static_cast<std::int64_t>(i), packet, 0, comment).ok());
            total += length;
            written.push_back(std::move(packet));
        }
        ASSERT_TRUE(writer->close().ok());
    }
    // The file is mapped; through a pipe it is read chunk by chunk, where blocks straddle
    // chunks (and one of 65000 octets outgrows the chunk): both give back every packet.
    const auto fifo = temp_file("chunks.fifo");
    ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    static_cast<void>(std::signal(SIGPIPE, SIG_IGN));  // a failing reader must not kill the feeder
    std::thread feeder([&] {
        std::ifstream in(path, std::ios::binary);
        std::ofstream out(fifo, std::ios::binary);
        out << in.rdbuf();
    });
    auto piped = read_capture(fifo);
    feeder.join();
    auto mapped = read_capture(path);
    std::filesystem::remove(fifo);
    std::filesystem::remove(path);
    for (auto* contents : {&mapped, &piped}) {
        ASSERT_TRUE(contents->ok()) << contents->error().message();
        ASSERT_EQ((*contents)->packets.size(), written.size());
        for (std::size_t i = 0; i < written.size(); ++i) {
            ASSERT_EQ((*contents)->packets[i].data, written[i]) << "packet " << i;
            ASSERT_EQ((*contents)->packets[i].timestamp_ns, static_cast<std::int64_t>(i));
            ASSERT_EQ((*contents)->packets[i].comment, i % 5 == 0 ? "packet " + std::to_string(i) : "");
        }
    }
}

// A pcap file built byte by byte: header + one record, in the given order.
std::vector<std::uint8_t> pcap_file(bool big_endian, bool nano, std::uint32_t caplen_field) {
    std::vector<std::uint8_t> out;
    auto put32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i) {
            const int shift = big_endian ? 24 - 8 * i : 8 * i;
            out.push_back(static_cast<std::uint8_t>(v >> shift));
        }
    };
    auto put16 = [&](std::uint16_t v) {
        if (big_endian) {
            out.push_back(static_cast<std::uint8_t>(v >> 8));
            out.push_back(static_cast<std::uint8_t>(v));
        } else {
            out.push_back(static_cast<std::uint8_t>(v));
            out.push_back(static_cast<std::uint8_t>(v >> 8));
        }
    };
    put32(nano ? kPcapMagicNano : kPcapMagicMicro);
    put16(2);
    put16(4);
    put32(0);
    put32(0);
    put32(262144);
    put32(1);  // Ethernet
    put32(1000);
    put32(nano ? 5 : 7);
    put32(caplen_field);
    put32(60);
    const auto packet = packet_a();
    out.insert(out.end(), packet.begin(), packet.end());
    return out;
}

TEST(Pcap, BothByteOrdersAndResolutions) {
    for (bool big : {false, true}) {
        for (bool nano : {false, true}) {
            auto reader = CaptureReader::from_bytes(
                pcap_file(big, nano, static_cast<std::uint32_t>(packet_a().size())));
            ASSERT_TRUE(reader.ok()) << reader.error().message();
            auto contents = read_capture(std::move(reader).value());
            ASSERT_TRUE(contents.ok()) << contents.error().message();
            EXPECT_EQ(contents->format, CaptureFormat::kPcap);
            ASSERT_EQ(contents->packets.size(), 1U);
            EXPECT_EQ(contents->packets[0].data, packet_a());
            EXPECT_EQ(contents->packets[0].original_length, 60U);
            EXPECT_EQ(contents->packets[0].timestamp_ns, 1000000000000LL + (nano ? 5 : 7000));
            EXPECT_EQ(contents->interfaces[0].link_type, LinkType::kEthernet);
        }
    }
}

TEST(Pcap, TruncatedRecordIsAPreciseError) {
    auto reader = CaptureReader::from_bytes(pcap_file(false, false, 100));
    ASSERT_TRUE(reader.ok());
    auto contents = read_capture(std::move(reader).value());
    ASSERT_FALSE(contents.ok());
    EXPECT_EQ(contents.error().message(),
              "packet record 1 at file offset 24: packet data truncated (7 of 100 bytes)");
}

TEST(Pcap, HugeCaptureLengthRefusedBeforeAllocation) {
    auto reader = CaptureReader::from_bytes(pcap_file(false, false, 0x7fffffff));
    ASSERT_TRUE(reader.ok());
    auto contents = read_capture(std::move(reader).value());
    ASSERT_FALSE(contents.ok());
    EXPECT_NE(contents.error().message().find("exceeds the limit"), std::string::npos);
}

TEST(Pcapng, BadBlockLengthAndTrailerAreErrors) {
    std::vector<std::uint8_t> file = encode_section_header(section("x"));
    const auto idb = encode_interface_description(interface(LinkType::kEthernet, 0, ""));
    file.insert(file.end(), idb.begin(), idb.end());
    auto epb = encode_enhanced_packet(0, 5, packet_a(), 7, "");
    auto bad_trailer = file;
    auto epb_bad = epb;
    epb_bad.back() ^= 0x01U;
    bad_trailer.insert(bad_trailer.end(), epb_bad.begin(), epb_bad.end());
    auto r1 = read_capture(CaptureReader::from_bytes(bad_trailer).value());
    ASSERT_FALSE(r1.ok());
    EXPECT_NE(r1.error().message().find("block 3 at file offset"), std::string::npos) << r1.error().message();
    EXPECT_NE(r1.error().message().find("trailing Block Total Length"), std::string::npos);

    auto bad_length = file;
    epb[4] = 13;  // not a multiple of 4
    bad_length.insert(bad_length.end(), epb.begin(), epb.end());
    auto r2 = read_capture(CaptureReader::from_bytes(bad_length).value());
    ASSERT_FALSE(r2.ok());
    EXPECT_NE(r2.error().message().find("Block Total Length 13"), std::string::npos) << r2.error().message();
}

TEST(Pcapng, CapturedLengthBeyondBlockIsAnError) {
    std::vector<std::uint8_t> file = encode_section_header(section(""));
    const auto idb = encode_interface_description(interface(LinkType::kEthernet, 0, ""));
    file.insert(file.end(), idb.begin(), idb.end());
    auto epb = encode_enhanced_packet(0, 5, packet_a(), 7, "");
    epb[20] = 200;  // Captured Packet Length
    file.insert(file.end(), epb.begin(), epb.end());
    auto r = read_capture(CaptureReader::from_bytes(file).value());
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("Packet Data: 200 bytes needed"), std::string::npos)
        << r.error().message();
    EXPECT_NE(r.error().message().find("while reading Enhanced Packet Block 3"), std::string::npos);
}

TEST(Pcapng, GarbageIsRejected) {
    EXPECT_FALSE(CaptureReader::from_bytes({}).ok());
    EXPECT_FALSE(CaptureReader::from_bytes({1, 2, 3, 4, 5}).ok());
    auto r = CaptureReader::from_bytes({0x0a, 0x0d, 0x0d, 0x0a, 0, 0});
    ASSERT_TRUE(r.ok());
    auto c = read_capture(std::move(r).value());
    ASSERT_FALSE(c.ok());
    EXPECT_NE(c.error().message().find("block header truncated"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::pcap
