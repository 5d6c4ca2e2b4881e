#include "pcap/timeline/timeline.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "pcap/dissect/test_packets.h"
#include "pcap/pcapng/writer.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/format.h"
#include "pcap/timeline/inspect.h"
#include "proto/esp/esp_sa.h"

namespace hnbsec::pcap {
namespace {

using namespace hnbsec::pcap::testing;

constexpr std::uint32_t kDut = 0xc0a84d02;   // 192.168.77.2
constexpr std::uint32_t kSegw = 0xc0a84d01;  // 192.168.77.1

EspSaSecrets esp_row() {
    EspSaSecrets row;
    row.source = "192.168.77.2";
    row.destination = "192.168.77.1";
    row.spi = 0xc1000001;
    row.encr = ike::EncrId::kAesCbc;
    row.encr_key_bits = 128;
    row.integ = ike::IntegId::kHmacSha2_256_128;
    row.encryption_key = Bytes(16, 0x42);
    row.integrity_key = Bytes(32, 0x43);
    return row;
}

Bytes sealed_esp(const EspSaSecrets& row, const Bytes& inner) {
    const auto now = esp::Clock::now();
    auto sa = esp::OutboundSa::create(esp_sa_config(row), now);
    EXPECT_TRUE(sa.ok()) << sa.error().message();
    auto packet = sa->seal(inner, now);
    EXPECT_TRUE(packet.ok()) << packet.error().message();
    return *packet;
}

class Timeline : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("hnbsec-timeline-" + std::to_string(::getpid()) + ".pcapng");
        key_ = test_key(0x0102030405060708ULL, 0x1112131415161718ULL);
        ike::Id id;
        id.data = text("dut.example");
        const std::vector<ike::Payload> inner = {ike::make_payload(ike::PayloadType::kIdi, id)};
        Bytes ntp(48, 0);
        ntp[0] = 0x23;
        const Bytes tunnelled = ipv4(17, udp(40000, 123, ntp), 0x0a4d0001, 0x0a4e0001);
        auto writer = PcapngWriter::create(path_, SectionInfo{"hnbsec test", "", "", "hnbsec"});
        ASSERT_TRUE(writer.ok());
        CaptureInterface interface;
        interface.link_type = LinkType::kEthernet;
        ASSERT_TRUE(writer->add_interface(interface).ok());
        const std::int64_t t0 = 1700000000000000000LL;
        ASSERT_TRUE(
            writer
                ->write_packet(
                    0, t0,
                    ethernet(ipv4(17, udp(500, 500, protected_message(key_, 35, 1, true, false, inner)), kDut,
                                  kSegw)),
                    0, "IKE_AUTH from the DUT")
                .ok());
        ASSERT_TRUE(
            writer
                ->write_packet(
                    0, t0 + 1000000,
                    ethernet(ipv4(17, udp(500, 500, protected_message(key_, 35, 1, false, true, inner)),
                                  kSegw, kDut)))
                .ok());
        ASSERT_TRUE(writer
                        ->write_packet(0, t0 + 2000000,
                                       ethernet(ipv4(17, udp(4500, 4500, sealed_esp(esp_row(), tunnelled)),
                                                     kDut, kSegw)))
                        .ok());
        ASSERT_TRUE(
            writer->write_packet(0, t0 + 3000000, ethernet(ipv4(17, udp(4500, 4500, {0xff}), kDut, kSegw)))
                .ok());
        ASSERT_TRUE(writer->close().ok());
    }
    void TearDown() override { std::filesystem::remove(path_); }

    std::filesystem::path path_;
    IkeDecryptionKey key_;
};

TEST_F(Timeline, RecordsWithDirectionsDecryptionAndInnerPackets) {
    auto esp = EspSaDecryptor::create({esp_row()});
    ASSERT_TRUE(esp.ok()) << esp.error().message();
    TimelineOptions options;
    options.dut = parse_address("192.168.77.2");
    options.ike_keys = {key_};
    options.esp = esp->get();
    auto records = read_timeline(path_, options);
    ASSERT_TRUE(records.ok()) << records.error().message();
    ASSERT_EQ(records->size(), 5U);
    const auto& r = *records;
    EXPECT_EQ(r[0].number, 1U);
    EXPECT_EQ(r[0].direction, Direction::kFromDut);
    EXPECT_EQ(r[0].comment, "IKE_AUTH from the DUT");
    ASSERT_TRUE(r[0].dissection.ike);
    EXPECT_EQ(r[0].dissection.ike->decryption, IkeDecryption::kDecrypted);
    EXPECT_EQ(r[1].direction, Direction::kToDut);
    EXPECT_TRUE(r[1].dissection.ike->response);
    ASSERT_TRUE(r[2].dissection.esp);
    EXPECT_EQ(r[2].dissection.esp->decryption, EspDecryption::kDecrypted) << r[2].dissection.esp->error;
    EXPECT_EQ(r[2].dissection.esp->sequence, 1U);
    // The inner packet: its own record, tied to the ESP packet, in the tunnel's direction.
    EXPECT_TRUE(r[3].inner());
    EXPECT_EQ(r[3].outer_number, 3U);
    EXPECT_EQ(r[3].direction, Direction::kFromDut);
    ASSERT_TRUE(r[3].dissection.ntp);
    EXPECT_EQ(r[3].dissection.source.to_string(), "10.77.0.1");
    EXPECT_EQ(r[4].number, 4U);
    EXPECT_TRUE(r[4].dissection.has(Layer::kNatKeepalive));

    const auto j = to_json(r[0]);
    EXPECT_EQ(j["number"], 1);
    EXPECT_EQ(j["direction"], "dut->harness");
    EXPECT_EQ(j["src"], "192.168.77.2");
    EXPECT_EQ(j["ike"]["spi_i"], "0102030405060708");
    EXPECT_EQ(j["ike"]["exchange"], "IKE_AUTH");
    EXPECT_EQ(j["ike"]["inner_payloads"], nlohmann::json::array({35}));
    EXPECT_EQ(j["layers"], nlohmann::json::array({"eth", "ipv4", "udp", "ikev2"}));
    EXPECT_EQ(j["time"], "1700000000.000000000");
    const auto inner = to_json(r[3]);
    EXPECT_EQ(inner["outer"], 3);
    EXPECT_EQ(to_json(r[2])["esp"]["spi"], "0xc1000001");
    const std::string line = to_text(r[1], r[0].time_ns);
    EXPECT_NE(line.find("harness->dut  192.168.77.1:500 -> 192.168.77.2:500  IKE_AUTH response MID=1"),
              std::string::npos)
        << line;
}

TEST_F(Timeline, WithoutKeysEspAndSkStayOpaque) {
    TimelineOptions options;
    auto records = read_timeline(path_, options);
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 4U);
    EXPECT_EQ((*records)[0].direction, Direction::kUnknown);
    EXPECT_EQ((*records)[0].dissection.ike->decryption, IkeDecryption::kNoKey);
    EXPECT_EQ((*records)[2].dissection.esp->decryption, EspDecryption::kNoDecryptor);
}

TEST_F(Timeline, WrongEspKeyIsAFailedOutcome) {
    auto row = esp_row();
    row.integrity_key[0] ^= 1U;
    auto esp = EspSaDecryptor::create({row});
    ASSERT_TRUE(esp.ok());
    TimelineOptions options;
    options.esp = esp->get();
    auto records = read_timeline(path_, options);
    ASSERT_TRUE(records.ok());
    ASSERT_EQ(records->size(), 4U);
    EXPECT_EQ((*records)[2].dissection.esp->decryption, EspDecryption::kFailed);
    EXPECT_NE((*records)[2].dissection.esp->error.find("ICV"), std::string::npos)
        << (*records)[2].dissection.esp->error;
}

}  // namespace
}  // namespace hnbsec::pcap

namespace hnbsec::pcap {
namespace {

// `hnbsec pcap inspect`'s text output for a capture; its counters into `stats` if given.
std::string inspect(const std::filesystem::path& path, const TimelineOptions& options,
                    TimelineStats* stats_out = nullptr) {
    auto reader = CaptureReader::open(path);
    EXPECT_TRUE(reader.ok());
    if (!reader.ok()) return {};
    char* text = nullptr;
    std::size_t size = 0;
    std::FILE* out = open_memstream(&text, &size);
    EXPECT_NE(out, nullptr);
    if (out == nullptr) return {};
    auto stats = write_inspection(*reader, options, false, out);
    static_cast<void>(std::fclose(out));
    std::string got(text, size);
    std::free(text);  // NOLINT(cppcoreguidelines-no-malloc): open_memstream's buffer
    EXPECT_TRUE(stats.ok());
    if (stats.ok() && stats_out != nullptr) *stats_out = *stats;
    return got;
}

// write_inspection (the streaming path `hnbsec bench pcap` times) prints exactly what the
// record-by-record formatting gives: capture comments, then one to_text() line per record.
TEST_F(Timeline, InspectionTextIsTheRecordLines) {
    auto esp = EspSaDecryptor::create({esp_row()});
    ASSERT_TRUE(esp.ok());
    TimelineOptions options;
    options.dut = parse_address("192.168.77.2");
    options.ike_keys = {key_};
    options.esp = esp->get();
    auto records = read_timeline(path_, options);
    ASSERT_TRUE(records.ok());
    std::string expected = "# capture comment: hnbsec test\n";
    for (const auto& r : *records) expected += to_text(r, records->front().time_ns) + "\n";

    auto again = EspSaDecryptor::create({esp_row()});
    ASSERT_TRUE(again.ok());
    options.esp = again->get();
    TimelineStats stats;
    EXPECT_EQ(inspect(path_, options, &stats), expected);
    EXPECT_EQ(stats.packets, 4U);
}

// A decryptor that is not an EspSaDecryptor: write_inspection() cannot decrypt ahead with it.
class Forwarding : public EspDecryptor {
public:
    explicit Forwarding(EspDecryptor& to) : to_(to) {}
    std::optional<Result<EspPlaintext>> decrypt(std::span<const std::uint8_t> esp, const Address& source,
                                                const Address& destination,
                                                std::vector<std::uint8_t>& inner) override {
        return to_.decrypt(esp, source, destination, inner);
    }

private:
    EspDecryptor& to_;
};

// `hnbsec pcap inspect` decrypts ahead on its second thread (EspSaDecryptor::precompute())
// what it then dissects in order. Over several batches of AES-CBC and AES-GCM packets, in
// UDP and raw, some forged, replayed or out of order, that gives exactly the lines of the
// plain record-by-record timeline, as does the path without decrypting ahead.
TEST(TimelineInspect, DecryptingAheadChangesNothing) {
    const auto path = std::filesystem::temp_directory_path() /
                      ("hnbsec-timeline-ahead-" + std::to_string(::getpid()) + ".pcapng");
    EspSaSecrets gcm = esp_row();
    gcm.spi = 0xc2000002;
    gcm.encr = ike::EncrId::kAesGcm16;
    gcm.integ = ike::IntegId::kNone;
    gcm.encryption_key = Bytes(20, 0x44);
    gcm.integrity_key.clear();
    std::vector<esp::OutboundSa> sas;
    for (const auto& row : {esp_row(), gcm}) {
        auto sa = esp::OutboundSa::create(esp_sa_config(row), esp::Clock::now());
        ASSERT_TRUE(sa.ok()) << sa.error().message();
        sas.push_back(std::move(sa).value());
    }
    {
        auto writer = PcapngWriter::create(path, SectionInfo{"ahead", "", "", "hnbsec"});
        ASSERT_TRUE(writer.ok());
        CaptureInterface interface;
        interface.link_type = LinkType::kEthernet;
        ASSERT_TRUE(writer->add_interface(interface).ok());
        std::vector<Bytes> held;  // sealed earlier, sent late: out of order, then replayed
        for (std::uint32_t i = 0; i < 700; ++i) {
            auto& sa = sas[i % 2];
            const Bytes inner =
                ipv4(17, udp(40000 + i, 5000, Bytes(20 + i % 50, 0x5a)), 0x0a4d0001, 0x0a4e0001);
            auto sealed = sa.seal(inner, esp::Clock::now());
            ASSERT_TRUE(sealed.ok());
            Bytes packet = *sealed;
            if (i % 97 == 5) packet.back() ^= 0x01;  // forged: the ICV fails
            if (i % 50 == 7) {
                held.push_back(packet);
                continue;
            }
            const Bytes ip =
                i % 3 == 0 ? ipv4(50, packet, kDut, kSegw) : ipv4(17, udp(4500, 4500, packet), kDut, kSegw);
            ASSERT_TRUE(
                writer->write_packet(0, 1700000000000000000LL + std::int64_t{i} * 1000, ethernet(ip)).ok());
            if (i % 50 == 30) {
                for (const Bytes& late : held) {
                    for (int twice = 0; twice < 2; ++twice) {
                        const Bytes again = ipv4(17, udp(4500, 4500, late), kDut, kSegw);
                        ASSERT_TRUE(writer
                                        ->write_packet(0, 1700000000000000000LL + std::int64_t{i} * 1000,
                                                       ethernet(again))
                                        .ok());
                    }
                }
                held.clear();
            }
        }
        ASSERT_TRUE(writer->close().ok());
    }
    const std::vector<EspSaSecrets> rows = {esp_row(), gcm};
    TimelineOptions options;
    auto plain = EspSaDecryptor::create(rows);
    ASSERT_TRUE(plain.ok());
    options.esp = plain->get();
    auto records = read_timeline(path, options);
    ASSERT_TRUE(records.ok());
    std::string expected = "# capture comment: ahead\n";
    std::size_t decrypted = 0;
    for (const auto& r : *records) {
        expected += to_text(r, records->front().time_ns) + "\n";
        if (r.inner()) ++decrypted;
    }
    EXPECT_GT(decrypted, 600U);

    auto ahead = EspSaDecryptor::create(rows);
    ASSERT_TRUE(ahead.ok());
    options.esp = ahead->get();
    EXPECT_EQ(inspect(path, options), expected);
    auto in_order = EspSaDecryptor::create(rows);
    ASSERT_TRUE(in_order.ok());
    Forwarding forwarding(**in_order);
    options.esp = &forwarding;
    EXPECT_EQ(inspect(path, options), expected);
    std::filesystem::remove(path);
}

}  // namespace
}  // namespace hnbsec::pcap
