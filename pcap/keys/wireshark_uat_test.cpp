// The key tables are checked twice: their exact text (unit), and tshark decrypting a real
// strongSwan exchange with them (interop): the capture is rebuilt from the IKE messages and
// ESP packets recorded in proto/ike/crypto/testdata, whose keys charon logged.

#include "pcap/keys/wireshark_uat.h"

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/testing/shell.h"

namespace hnbsec::pcap {
namespace {

namespace fs = std::filesystem;

Octets unhex(const std::string& text) {
    Octets out;
    for (std::size_t i = 0; i + 1 < text.size(); i += 2)
        out.push_back(std::stoi(text.substr(i, 2), nullptr, 16));
    return out;
}

std::map<std::string, std::string> load_exchange() {
    std::ifstream in(fs::path(HNBSEC_CRYPTO_TESTDATA_DIR) / "strongswan_ikev2_aes128_sha256_modp2048.txt");
    std::map<std::string, std::string> values;
    std::string line;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find(" = ");
        if (eq != std::string::npos) values[line.substr(0, eq)] = line.substr(eq + 3);
    }
    return values;
}

IkeSaSecrets ike_secrets(std::map<std::string, std::string>& v) {
    IkeSaSecrets sa;
    const Octets spi_i = unhex(v["spi_i"]), spi_r = unhex(v["spi_r"]);
    std::copy(spi_i.begin(), spi_i.end(), sa.spi_i.begin());
    std::copy(spi_r.begin(), spi_r.end(), sa.spi_r.begin());
    sa.sk_ei = unhex(v["sk_ei"]);
    sa.sk_er = unhex(v["sk_er"]);
    sa.sk_ai = unhex(v["sk_ai"]);
    sa.sk_ar = unhex(v["sk_ar"]);
    return sa;
}

std::vector<EspSaSecrets> esp_secrets(std::map<std::string, std::string>& v) {
    EspSaSecrets i_to_r{false,
                        "192.168.77.2",
                        "192.168.77.1",
                        static_cast<std::uint32_t>(std::stoul(v["esp_spi_i_to_r"], nullptr, 16)),
                        ike::EncrId::kAesCbc,
                        128,
                        ike::IntegId::kHmacSha2_256_128,
                        unhex(v["child_encr_i"]),
                        unhex(v["child_integ_i"])};
    EspSaSecrets r_to_i{false,
                        "192.168.77.1",
                        "192.168.77.2",
                        static_cast<std::uint32_t>(std::stoul(v["esp_spi_r_to_i"], nullptr, 16)),
                        ike::EncrId::kAesCbc,
                        128,
                        ike::IntegId::kHmacSha2_256_128,
                        unhex(v["child_encr_r"]),
                        unhex(v["child_integ_r"])};
    return {i_to_r, r_to_i};
}

TEST(WiresharkUat, IkeLineHasUnquotedHexAndQuotedNames) {
    IkeSaSecrets sa;
    sa.spi_i = {0x68, 0xac, 0x85, 0xf4, 0xe7, 0x7a, 0x0c, 0xc7};
    sa.spi_r = {0xdd, 0x32, 0x24, 0x66, 0x61, 0xd5, 0x8b, 0xcd};
    sa.sk_ei = {0x01, 0x02};
    sa.sk_er = {0x03};
    sa.sk_ai = {0xaa};
    sa.sk_ar = {0xbb};
    auto line = ikev2_decryption_table_line(sa);
    ASSERT_TRUE(line.ok()) << line.error().message();
    EXPECT_EQ(*line,
              "68ac85f4e77a0cc7,dd32246661d58bcd,0102,03,\"AES-CBC-128 [RFC3602]\",aa,bb,"
              "\"HMAC_SHA2_256_128 [RFC4868]\"");
}

TEST(WiresharkUat, AeadIkeLineHasNoIntegrity) {
    IkeSaSecrets sa;
    sa.encr = ike::EncrId::kAesGcm16;
    sa.encr_key_bits = 256;
    sa.sk_ei = {0x11};
    sa.sk_er = {0x22};
    auto line = ikev2_decryption_table_line(sa);
    ASSERT_TRUE(line.ok());
    EXPECT_THAT(*line,
                testing::EndsWith(",11,22,\"AES-GCM-256 with 16 octet ICV [RFC5282]\",,,\"NONE [RFC4306]\""));
}

TEST(WiresharkUat, EspLineQuotesEveryField) {
    EspSaSecrets sa{false, "192.168.77.2",      "192.168.77.1", 0xfe650dcf, ike::EncrId::kAesGcm16,
                    128,   ike::IntegId::kNone, {0xab, 0xcd},   {}};
    auto line = esp_sa_line(sa);
    ASSERT_TRUE(line.ok());
    EXPECT_EQ(
        *line,
        "\"IPv4\",\"192.168.77.2\",\"192.168.77.1\",\"0xfe650dcf\",\"AES-GCM with 16 octet ICV [RFC4106]\","
        "\"0xabcd\",\"NULL\",\"0x\"");
}

TEST(WiresharkUat, UnsupportedAlgorithmIsNamed) {
    IkeSaSecrets sa;
    sa.encr = ike::EncrId::kChacha20Poly1305;
    auto line = ikev2_decryption_table_line(sa);
    ASSERT_FALSE(line.ok());
    EXPECT_THAT(line.error().what(), testing::HasSubstr("CHACHA20"));
}

// --- interop: tshark decrypts a real exchange with our tables ------------------------------

void put16(Octets& out, std::uint16_t v) {
    out.push_back(v >> 8);
    out.push_back(v & 0xff);
}
void put32le(std::ofstream& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}

// IPv4 + UDP around `payload` (LINKTYPE_RAW); UDP checksum 0 is legal for IPv4.
Octets ipv4_udp(const std::array<std::uint8_t, 4>& src, const std::array<std::uint8_t, 4>& dst,
                std::uint16_t port, const Octets& payload) {
    Octets packet = {0x45, 0x00};
    put16(packet, static_cast<std::uint16_t>(20 + 8 + payload.size()));
    packet.insert(packet.end(), {0x00, 0x01, 0x40, 0x00, 0x40, 17, 0x00, 0x00});
    packet.insert(packet.end(), src.begin(), src.end());
    packet.insert(packet.end(), dst.begin(), dst.end());
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i < 20; i += 2) sum += (packet[i] << 8) | packet[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    packet[10] = static_cast<std::uint8_t>(~sum >> 8);
    packet[11] = static_cast<std::uint8_t>(~sum & 0xff);
    put16(packet, port);
    put16(packet, port);
    put16(packet, static_cast<std::uint16_t>(8 + payload.size()));
    put16(packet, 0);
    packet.insert(packet.end(), payload.begin(), payload.end());
    return packet;
}

void write_pcap(const fs::path& path, const std::vector<Octets>& packets) {
    std::ofstream out(path, std::ios::binary);
    put32le(out, 0xa1b2c3d4);
    out.put(2).put(0).put(4).put(0);
    put32le(out, 0);
    put32le(out, 0);
    put32le(out, 65535);
    put32le(out, 101);  // LINKTYPE_RAW
    std::uint32_t t = 1'700'000'000;
    for (const auto& p : packets) {
        put32le(out, t++);
        put32le(out, 0);
        put32le(out, static_cast<std::uint32_t>(p.size()));
        put32le(out, static_cast<std::uint32_t>(p.size()));
        out.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
    }
}

std::string run(const std::string& command) {
    return hnbsec::test_support::run_shell(command, hnbsec::test_support::Stderr::kDiscarded).output;
}

TEST(WiresharkUatInterop, TsharkDecryptsRealExchangeWithOurTables) {
    auto v = load_exchange();
    ASSERT_FALSE(v.empty()) << "test data missing";
    const std::array<std::uint8_t, 4> hnb{192, 168, 77, 2}, segw{192, 168, 77, 1};
    auto nat_t = [&](const std::string& key) {
        Octets with_marker = {0, 0, 0, 0};
        const Octets message = unhex(v[key]);
        with_marker.insert(with_marker.end(), message.begin(), message.end());
        return with_marker;
    };
    const std::vector<Octets> packets = {
        ipv4_udp(hnb, segw, 500, unhex(v["ike_sa_init_request"])),
        ipv4_udp(segw, hnb, 500, unhex(v["ike_sa_init_response"])),
        ipv4_udp(hnb, segw, 4500, nat_t("ike_auth_request_fragment_1")),
        ipv4_udp(hnb, segw, 4500, nat_t("ike_auth_request_fragment_2")),
        ipv4_udp(segw, hnb, 4500, nat_t("ike_auth_response_fragment_1")),
        ipv4_udp(segw, hnb, 4500, nat_t("ike_auth_response_fragment_2")),
        ipv4_udp(hnb, segw, 4500, unhex(v["esp_packet_i_to_r"])),
        ipv4_udp(segw, hnb, 4500, unhex(v["esp_packet_r_to_i"])),
    };
    const fs::path dir = fs::temp_directory_path() / ("hnbsec-uat-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    write_pcap(dir / "exchange.pcap", packets);

    auto ike = ikev2_decryption_table_line(ike_secrets(v));
    ASSERT_TRUE(ike.ok()) << ike.error().message();
    std::string options =
        " -o esp.enable_encryption_decode:TRUE -o 'uat:ikev2_decryption_table:" + *ike + "'";
    for (const auto& sa : esp_secrets(v)) {
        auto esp = esp_sa_line(sa);
        ASSERT_TRUE(esp.ok()) << esp.error().message();
        options += " -o 'uat:esp_sa:" + *esp + "'";
    }
    const std::string tshark = "tshark -n -r " + (dir / "exchange.pcap").string() + options;

    const std::string ids = run(tshark + " -Y isakmp.id.data.fqdn -T fields -e isakmp.id.data.fqdn 2>&1");
    EXPECT_THAT(ids, testing::HasSubstr("0001A2-SN0001.hnb.lab.test")) << ids;
    EXPECT_THAT(ids, testing::HasSubstr("segw.lab.test")) << ids;
    const std::string icmp = run(tshark + " -Y icmp -T fields -e icmp.type 2>&1");
    EXPECT_THAT(icmp, testing::HasSubstr("8")) << icmp;  // echo request inside ESP, decrypted
    EXPECT_THAT(icmp, testing::HasSubstr("0")) << icmp;  // echo reply
    const std::string bad = run(tshark + " -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null");
    EXPECT_EQ(bad, "") << bad;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace hnbsec::pcap
