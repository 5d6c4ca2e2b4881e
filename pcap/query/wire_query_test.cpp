#include "pcap/query/wire_query.h"

#include <filesystem>
#include <memory>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "pcap/dissect/dissector.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/dissect/test_packets.h"
#include "pcap/pcapng/writer.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/timeline.h"
#include "proto/esp/esp_sa.h"

#ifndef HNBSEC_PCAP_TESTDATA_DIR
#error "HNBSEC_PCAP_TESTDATA_DIR must name pcap/testdata"
#endif

namespace hnbsec::pcap::query {
namespace {

using namespace hnbsec::pcap::testing;

constexpr std::uint32_t kDut = 0xc0a84d02;     // 192.168.77.2
constexpr std::uint32_t kSegw = 0xc0a84d01;    // 192.168.77.1
constexpr std::uint32_t kDutVip = 0x0a4d0001;  // 10.77.0.1 (inner)
constexpr std::uint32_t kCore = 0x0a4e0001;    // 10.78.0.1

Address dut() {
    return *parse_address("192.168.77.2");
}

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

Bytes ntp_client() {
    Bytes ntp(48, 0);
    ntp[0] = 0x23;  // LI 0, version 4, mode 3 (client)
    return ntp;
}

// A TLS 1.3 ClientHello record (RFC 8446 §4.1.2) offering 1.3 and 1.2 in supported_versions.
Bytes client_hello() {
    Bytes hello = {3, 3};
    hello.insert(hello.end(), 32, 0xaa);
    hello.push_back(0);                             // legacy_session_id
    hello.insert(hello.end(), {0, 2, 0x13, 0x01});  // cipher_suites
    hello.insert(hello.end(), {1, 0});              // compression
    const Bytes ext_versions = {0, 43, 0, 5, 4, 3, 4, 3, 3};
    hello.push_back(0);
    hello.push_back(static_cast<std::uint8_t>(ext_versions.size()));
    hello.insert(hello.end(), ext_versions.begin(), ext_versions.end());
    Bytes hs = {1, 0, 0, static_cast<std::uint8_t>(hello.size())};
    hs.insert(hs.end(), hello.begin(), hello.end());
    Bytes record = {22, 3, 1, 0, static_cast<std::uint8_t>(hs.size())};
    record.insert(record.end(), hs.begin(), hs.end());
    return record;
}

// A short session: IKE_AUTH both ways, ESP with the inner NTP request, the TLS
// ClientHello inside ESP, a keepalive, one NTP request in clear ("step 5"), then an
// INFORMATIONAL with Delete and its empty response.
class WireQuery : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() /
                ("hnbsec-wire-query-" + std::to_string(::getpid()) + ".pcapng");
        key_ = test_key(0x0102030405060708ULL, 0x1112131415161718ULL);
        ike::Id id;
        id.data = text("dut.example");
        const std::vector<ike::Payload> auth = {ike::make_payload(ike::PayloadType::kIdi, id)};
        ike::Delete del;
        del.protocol = ike::ProtocolId::kIke;  // the IKE SA itself (RFC 7296 §3.11)
        const std::vector<ike::Payload> deletion = {ike::make_payload(ike::PayloadType::kDelete, del)};

        auto esp = make_outbound();
        auto writer = PcapngWriter::create(path_, SectionInfo{"hnbsec test", "", "", "hnbsec"});
        ASSERT_TRUE(writer.ok());
        CaptureInterface interface;
        interface.link_type = LinkType::kEthernet;
        ASSERT_TRUE(writer->add_interface(interface).ok());
        std::int64_t t = 1700000000000000000LL;
        auto put = [&](const Bytes& ip, const std::string& comment = {}) {
            t += 1000000;
            ASSERT_TRUE(writer->write_packet(0, t, ethernet(ip), 0, comment).ok());
        };
        auto sealed = [&](const Bytes& inner) {
            auto packet = esp->seal(inner, esp::Clock::now());
            EXPECT_TRUE(packet.ok());
            return ipv4(17, udp(4500, 4500, *packet), kDut, kSegw);
        };
        put(ipv4(17, udp(500, 500, protected_message(key_, 35, 1, true, false, auth)), kDut, kSegw));  // 1
        put(ipv4(17, udp(500, 500, protected_message(key_, 35, 1, false, true, auth)), kSegw, kDut));  // 2
        put(sealed(ipv4(17, udp(40000, 123, ntp_client()), kDutVip, kCore)));                          // 3
        put(sealed(ipv4(6, tcp(40001, 443, 1000, 0x02, {}), kDutVip, kCore)));                         // 4
        put(sealed(ipv4(6, tcp(40001, 443, 1001, 0x18, client_hello()), kDutVip, kCore)));             // 5
        put(ipv4(17, udp(4500, 4500, {0xff}), kDut, kSegw));                                           // 6
        put(ipv4(17, udp(40002, 123, ntp_client()), kDut, kSegw), "step 5: NTP in clear");             // 7
        put(ipv4(17, udp(500, 500, protected_message(key_, 37, 2, true, false, deletion)), kDut,
                 kSegw));                                                                            // 8
        put(ipv4(17, udp(500, 500, protected_message(key_, 37, 2, false, true, {})), kSegw, kDut));  // 9
        ASSERT_TRUE(writer->close().ok());
    }
    void TearDown() override { std::filesystem::remove(path_); }

    static std::unique_ptr<esp::OutboundSa> make_outbound() {
        auto sa = esp::OutboundSa::create(esp_sa_config(esp_row()), esp::Clock::now());
        EXPECT_TRUE(sa.ok());
        return std::make_unique<esp::OutboundSa>(std::move(sa).value());
    }

    std::vector<TimelineRecord> timeline(bool with_keys) {
        TimelineOptions options;
        if (with_keys) {
            auto esp = EspSaDecryptor::create({esp_row()});
            EXPECT_TRUE(esp.ok());
            esp_ = std::move(esp).value();
            options.ike_keys = {key_};
            options.esp = esp_.get();
        }
        auto records = read_timeline(path_, options);
        EXPECT_TRUE(records.ok()) << records.error().message();
        return records.ok() ? std::move(records).value() : std::vector<TimelineRecord>{};
    }

    std::filesystem::path path_;
    IkeDecryptionKey key_;
    std::unique_ptr<EspSaDecryptor> esp_;
};

TEST_F(WireQuery, SentByDutListsOuterAndInnerPackets) {
    const auto records = timeline(true);
    const auto all = sent_by_dut(records, dut());
    const std::vector<PacketRef> expected = {{1, false}, {3, false}, {3, true},  {4, false}, {4, true},
                                             {5, false}, {5, true},  {6, false}, {7, false}, {8, false}};
    EXPECT_EQ(all, expected);
    // Strictly after packet 6's time.
    const auto later = sent_by_dut(records, dut(), records[8].time_ns);
    EXPECT_EQ(later, (std::vector<PacketRef>{{7, false}, {8, false}}));
    EXPECT_EQ(to_string(std::span<const PacketRef>(expected).first(3)), "1, 3, 3 (inner)");
}

TEST_F(WireQuery, BackhaulRuleCitesTheClearPacket) {
    const auto records = timeline(true);
    const auto v = cleartext_from_dut(records, dut());
    EXPECT_FALSE(v.holds);
    EXPECT_EQ(v.evidence, (std::vector<PacketRef>{{7, false}}));
    EXPECT_NE(v.reason.find("first: ntp"), std::string::npos) << v.reason;
    EXPECT_NE(v.reason.find("packets 7"), std::string::npos) << v.reason;
    // Without the clear packet the rule holds, standing on IKE, ESP and the keepalive.
    std::vector<TimelineRecord> clean;
    for (const auto& r : records) {
        if (r.number != 7) clean.push_back(r);
    }
    const auto ok = cleartext_from_dut(clean, dut());
    EXPECT_TRUE(ok.holds) << ok.reason;
    EXPECT_EQ(ok.evidence.size(), 6U);  // 1, 3, 4, 5, 6, 8
}

TEST_F(WireQuery, FirstNtpRequestInsideEsp) {
    auto records = timeline(true);
    const auto v = first_ntp_request_inside_esp(records, dut());
    EXPECT_TRUE(v.holds) << v.reason;
    EXPECT_EQ(v.evidence, (std::vector<PacketRef>{{3, true}}));
    // Without the ESP keys the inner request is invisible: the first one is the clear one.
    const auto opaque = first_ntp_request_inside_esp(timeline(false), dut());
    EXPECT_FALSE(opaque.holds);
    EXPECT_EQ(opaque.evidence, (std::vector<PacketRef>{{7, false}}));
    EXPECT_NE(opaque.reason.find("left in clear: packet 7"), std::string::npos) << opaque.reason;
    EXPECT_EQ(first_ntp_request_inside_esp({}, dut()).reason, "the DUT sent no NTP request");
}

TEST_F(WireQuery, OnlyIkeDeleteAfterAStep) {
    const auto records = timeline(true);
    const auto step = first_commented(records, "step 5");
    ASSERT_TRUE(step);
    EXPECT_EQ(*step, 7U);
    const auto v = only_ike_delete_after(records, dut(), *step);
    EXPECT_TRUE(v.holds) << v.reason;
    EXPECT_EQ(v.evidence, (std::vector<PacketRef>{{8, false}}));
    // From packet 5 on, the keepalive is allowed but the clear NTP request is not.
    const auto broken = only_ike_delete_after(records, dut(), 5);
    EXPECT_FALSE(broken.holds);
    EXPECT_EQ(broken.evidence, (std::vector<PacketRef>{{7, false}}));
    const auto strict = only_ike_delete_after(records, dut(), 5, false);
    EXPECT_EQ(strict.evidence, (std::vector<PacketRef>{{6, false}, {7, false}}));
    // Undecrypted INFORMATIONAL proves nothing.
    const auto opaque = only_ike_delete_after(timeline(false), dut(), *step);
    EXPECT_FALSE(opaque.holds);
    EXPECT_NE(opaque.reason.find("not decrypted"), std::string::npos) << opaque.reason;
    EXPECT_FALSE(first_commented(records, "step 9"));
}

TEST_F(WireQuery, ClientHelloOfferedVersions) {
    const auto records = timeline(true);
    const auto hello = client_hello_versions(records, dut());
    ASSERT_TRUE(hello.found);
    EXPECT_EQ(hello.legacy_version, 0x0303);
    EXPECT_EQ(hello.offered, (std::vector<std::uint16_t>{0x0304, 0x0303}));
    EXPECT_EQ(hello.evidence, (std::vector<PacketRef>{{5, true}}));
    EXPECT_FALSE(client_hello_versions(timeline(false), dut()).found);
}

// A datagram in two IPv4 fragments: the fragment held for reassembly is not judged, the
// one that completes the NTP request is cited.
TEST(WireQueryFragments, ClearFragmentsAreJudgedByTheCompletingPacket) {
    const Bytes datagram = udp(40000, 123, ntp_client());
    const Bytes first(datagram.begin(), datagram.begin() + 24);
    const Bytes second(datagram.begin() + 24, datagram.end());
    Dissector dissector;
    std::vector<TimelineRecord> records(3);
    records[0].dissection = dissector.dissect(LinkType::kRaw, ipv4(17, first, kDut, kSegw, 99, 0x2000));
    records[1].dissection = dissector.dissect(LinkType::kRaw, ipv4(17, second, kDut, kSegw, 99, 3));
    records[2].dissection = dissector.dissect(LinkType::kRaw, ipv4(17, udp(4500, 4500, {0xff}), kDut, kSegw));
    for (std::size_t i = 0; i < records.size(); ++i) records[i].number = i + 1;
    ASSERT_TRUE(records[1].dissection.ntp);
    const auto v = cleartext_from_dut(records, dut());
    EXPECT_FALSE(v.holds);
    EXPECT_EQ(v.evidence, (std::vector<PacketRef>{{2, false}}));
    const auto after = only_ike_delete_after(records, dut(), 0);
    EXPECT_EQ(after.evidence, (std::vector<PacketRef>{{2, false}}));
}

// The committed strongSwan captures: the H(e)NB (192.168.77.2) kept to IKE and ESP, and
// its pings travelled inside ESP.
TEST(WireQueryTestdata, StrongswanCapturesKeepTheBackhaulRule) {
    for (const char* name : {"segw-strongswan-cbc", "segw-strongswan-gcm"}) {
        const std::filesystem::path dir = std::filesystem::path(HNBSEC_PCAP_TESTDATA_DIR) / name;
        auto keys = load_decryption_keys(dir);
        ASSERT_TRUE(keys.ok()) << keys.error().message();
        auto esp = EspSaDecryptor::create(keys->esp);
        ASSERT_TRUE(esp.ok());
        TimelineOptions options;
        options.ike_keys = keys->ike;
        options.esp = esp->get();
        auto records = read_timeline(dir / "outer.pcapng", options);
        ASSERT_TRUE(records.ok()) << records.error().message();
        const auto v = cleartext_from_dut(*records, dut());
        EXPECT_TRUE(v.holds) << name << ": " << v.reason;
        EXPECT_FALSE(v.evidence.empty());
        std::size_t inner = 0;
        for (const auto& ref : sent_by_dut(*records, dut())) inner += ref.inner ? 1 : 0;
        EXPECT_GE(inner, 3U) << name;  // the three pings
        EXPECT_FALSE(first_ntp_request_inside_esp(*records, dut()).holds);
        EXPECT_FALSE(client_hello_versions(*records, dut()).found);
    }
}

}  // namespace
}  // namespace hnbsec::pcap::query
