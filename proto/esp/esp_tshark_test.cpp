// Known-answer check against an independent ESP implementation: Wireshark's. Packets our
// OutboundSa sealed go into a classic pcap as UDP/4500 (RFC 3948); tshark, given our keys
// in its esp_sa table (pcap/keys), must decrypt every one, verify its ICV and show the
// inner ICMP/UDP, with no malformed packet. Fails when tshark is missing.

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "core/testing/shell.h"
#include "pcap/keys/wireshark_uat.h"
#include "proto/esp/test_packets.h"
#include "proto/esp/udp_encap.h"

namespace hnbsec::esp {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using namespace testing;  // NOLINT(google-build-using-namespace)

const Ipv4 kHnbOuter = {192, 168, 77, 2};
const Ipv4 kSegwOuter = {192, 168, 77, 1};
constexpr TimePoint kT0{};

void put32le(std::ofstream& out, std::uint32_t v) {
    for (int i = 0; i < 4; ++i) out.put(static_cast<char>((v >> (8 * i)) & 0xff));
}

// Classic pcap (not pcapng), LINKTYPE_RAW: every packet an IPv4 datagram.
void write_pcap(const fs::path& path, const std::vector<Bytes>& packets) {
    std::ofstream out(path, std::ios::binary);
    put32le(out, 0xa1b2c3d4);
    put32le(out, 0x00040002);  // version 2.4
    put32le(out, 0);
    put32le(out, 0);
    put32le(out, 65535);
    put32le(out, 101);
    std::uint32_t t = 1'800'000'000;
    for (const auto& p : packets) {
        put32le(out, t++);
        put32le(out, 0);
        put32le(out, static_cast<std::uint32_t>(p.size()));
        put32le(out, static_cast<std::uint32_t>(p.size()));
        out.write(reinterpret_cast<const char*>(p.data()), static_cast<std::streamsize>(p.size()));
    }
}

std::string run(const std::string& command) {
    auto result = test_support::run_shell(command, test_support::Stderr::kDiscarded);
    if (result.exit_code != 0) result.output += "\n[exit status " + std::to_string(result.exit_code) + "]";
    return result.output;
}

std::string dotted(const Ipv4& a) {
    return std::to_string(a[0]) + "." + std::to_string(a[1]) + "." + std::to_string(a[2]) + "." +
           std::to_string(a[3]);
}

pcap::EspSaSecrets secrets(const EspSaConfig& config, const Ipv4& src, const Ipv4& dst) {
    pcap::EspSaSecrets sa;
    sa.source = dotted(src);
    sa.destination = dotted(dst);
    sa.spi = config.spi;
    sa.encr = config.suite.encr;
    sa.encr_key_bits = config.suite.encr_key_bits;
    sa.integ = config.suite.integ;
    sa.encryption_key = config.encryption_key;
    sa.integrity_key = config.integrity_key;
    return sa;
}

TEST(EspTsharkInterop, TsharkDecryptsOurPacketsForEveryTransform) {
    ASSERT_EQ(run("tshark --version >/dev/null 2>&1 && echo found"), "found\n")
        << "tshark is required for this interop test (ci/install-deps installs it)";
    std::vector<Bytes> packets;
    std::vector<Bytes> forged;  // one per transform, ICV inverted: Wireshark must say "bad"
    std::string esp_sa;
    std::size_t expected_icmp = 0;
    std::size_t expected_udp = 0;
    std::uint32_t spi = 0xe5a00001;
    for (const auto& suite : test_suites()) {
        // Uplink H(e)NB -> SeGW: ICMP echo request and an NTP-sized UDP datagram; downlink: reply.
        const EspSaConfig up = test_config(suite.suite, spi++, 0x10);
        const EspSaConfig down = test_config(suite.suite, spi++, 0x20);
        auto up_sa = OutboundSa::create(peer_view(up), kT0);
        auto down_sa = OutboundSa::create(down, kT0);
        ASSERT_TRUE(up_sa.ok() && down_sa.ok()) << suite.name;
        const std::vector<std::pair<bool, Bytes>> inners = {
            {true, icmp_echo_v4(kHnbInner, kCoreInner, 3, 1)},
            {true, udp_v4(kHnbInner, kCoreInner, 123, 123, 48)},
            {false, icmp_echo_v4(kCoreInner, kHnbInner, 3, 1, 56, false)},
        };
        for (const auto& [uplink, inner] : inners) {
            auto esp = (uplink ? *up_sa : *down_sa).seal(inner, kT0);
            ASSERT_TRUE(esp.ok()) << esp.error().message();
            auto payload = esp_udp_payload(*esp);
            ASSERT_TRUE(payload.ok());
            packets.push_back(uplink ? ipv4_udp_datagram(kHnbOuter, kSegwOuter, 4500, 4500, *payload)
                                     : ipv4_udp_datagram(kSegwOuter, kHnbOuter, 4500, 4500, *payload));
            (inner[9] == 1 ? expected_icmp : expected_udp) += 1;
        }
        SealFaults flip;
        flip.flip_icv = true;
        auto bad = up_sa->seal(icmp_echo_v4(kHnbInner, kCoreInner, 3, 9), kT0, flip);
        ASSERT_TRUE(bad.ok());
        forged.push_back(ipv4_udp_datagram(kHnbOuter, kSegwOuter, 4500, 4500, *bad));
        auto up_line = pcap::esp_sa_line(secrets(up, kHnbOuter, kSegwOuter));
        auto down_line = pcap::esp_sa_line(secrets(down, kSegwOuter, kHnbOuter));
        ASSERT_TRUE(up_line.ok() && down_line.ok()) << suite.name;
        esp_sa += *up_line + "\n" + *down_line + "\n";
    }

    // A private Wireshark configuration directory (never the user's), as LAB.md §6 b.
    const fs::path dir = fs::temp_directory_path() / ("hnbsec-esp-tshark-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir / "profiles" / "esp");
    write_pcap(dir / "esp.pcap", packets);
    write_pcap(dir / "forged.pcap", forged);
    std::ofstream(dir / "profiles" / "esp" / "esp_sa") << esp_sa;
    std::ofstream(dir / "profiles" / "esp" / "preferences")
        << "esp.enable_encryption_decode: TRUE\nesp.enable_authentication_check: TRUE\n";
    const std::string tshark =
        "WIRESHARK_CONFIG_DIR=" + dir.string() + " tshark -n -C esp -r " + (dir / "esp.pcap").string() +
        " -o esp.enable_encryption_decode:TRUE -o esp.enable_authentication_check:TRUE";

    const std::string icmp =
        run(tshark + " -Y 'esp && icmp' -T fields -e esp.spi -e icmp.type -e icmp.seq 2>/dev/null");
    EXPECT_EQ(static_cast<std::size_t>(std::count(icmp.begin(), icmp.end(), '\n')), expected_icmp) << icmp;
    const std::string udp =
        run(tshark + " -Y 'esp && udp.dstport == 123' -T fields -e esp.spi -e udp.length 2>/dev/null");
    EXPECT_EQ(static_cast<std::size_t>(std::count(udp.begin(), udp.end(), '\n')), expected_udp) << udp;
    EXPECT_THAT(udp, HasSubstr(",56\n"));  // outer UDP/4500, then the decrypted inner UDP
    // Wireshark verified every ICV itself (AES-GCM tag, HMAC-SHA1-96, HMAC-SHA2-256-128).
    const std::string icv = run(tshark + " -T fields -e esp.spi -e esp.icv_good -e esp.icv_bad 2>/dev/null");
    std::size_t good = 0;
    for (std::size_t at = icv.find("\t1\t0\n"); at != std::string::npos; at = icv.find("\t1\t0\n", at + 1))
        ++good;
    EXPECT_EQ(good, packets.size()) << icv;
    const std::string malformed =
        run(tshark + " -Y '_ws.malformed || _ws.expert.severity >= error' 2>/dev/null");
    EXPECT_EQ(malformed, "") << malformed;
    const std::string summary = run(tshark + " 2>/dev/null");
    EXPECT_THAT(summary, HasSubstr("Echo (ping) request")) << summary;
    std::string forged_tshark = tshark;
    forged_tshark.replace(forged_tshark.find("esp.pcap"), 8, "forged.pcap");
    const std::string flagged =
        run(forged_tshark + " -Y 'esp.icv_bad == 1' -T fields -e esp.spi 2>/dev/null");
    EXPECT_EQ(static_cast<std::size_t>(std::count(flagged.begin(), flagged.end(), '\n')), forged.size())
        << flagged;
    fs::remove_all(dir);
}

}  // namespace
}  // namespace hnbsec::esp
