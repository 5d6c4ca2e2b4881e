#include "harness/bench/pcap_bench.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <pcap/pcap.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/bench/bench_suites.h"
#include "pcap/dissect/key_tables.h"
#include "pcap/dissect/test_packets.h"
#include "pcap/keys/sa_key_export.h"
#include "pcap/keys/wireshark_uat.h"
#include "pcap/pcapng/writer.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/inspect.h"
#include "proto/esp/esp_sa.h"
#include "proto/ike/sa/initiator.h"
#include "proto/ike/sa/responder.h"
#include "proto/ike/sa/test_pki.h"

extern char** environ;  // NOLINT: POSIX, for posix_spawnp

namespace hnbsec::bench {
namespace {

namespace fs = std::filesystem;
constexpr int kFastRuns = 3;  // best of: libpcap loop and our inspect, with and without keys
using BenchClock = std::chrono::steady_clock;
namespace pt = pcap::testing;

constexpr std::size_t kEspPerSa = 10000;          // ESP packets per IKE SA (both directions)
constexpr std::size_t kLivenessEvery = 2000;      // an INFORMATIONAL exchange every N ESP packets
constexpr std::size_t kInnerPayload = 96;         // octets of UDP payload in each inner packet
constexpr std::int64_t kPacketSpacingNs = 50000;  // 20k packets/s of capture time
constexpr std::uint32_t kHnbInner = 0x0a630007;   // 10.99.0.7, the CP address the responder assigns
constexpr std::uint32_t kCoreHost = 0x0a4e0001;   // 10.78.0.1

double elapsed_since(BenchClock::time_point start) {
    return std::chrono::duration<double>(BenchClock::now() - start).count();
}

std::uint32_t ipv4_of(const ike::Endpoint& e) {
    std::uint32_t v = 0;
    for (std::size_t i = 0; i < 4 && i < e.ip.size(); ++i) v = (v << 8U) | e.ip[i];
    return v;
}

// Alternates the two suites the tshark cross-check covers: AES-CBC + HMAC-SHA2-256 with
// RSA certificates, AES-GCM-16 with ECDSA ones.
BenchSuite suite_for(std::size_t sa) {
    return bench_suite(sa % 2 == 0 ? IkeBenchSuite::kRsa : IkeBenchSuite::kEcdsa);
}

Result<esp::OutboundSa> outbound_of(const pcap::EspSaSecrets& row) {
    return esp::OutboundSa::create(pcap::esp_sa_config(row), esp::Clock::now());
}

// Writes the capture: per IKE SA a real handshake, ESP both ways with liveness checks
// in between, and the IKE SA's deletion.
class CaptureBuilder {
public:
    CaptureBuilder(pcap::PcapngWriter& writer, PcapBenchResult& result) : writer_(writer), result_(result) {}

    Status session(std::size_t index, std::size_t esp_packets, pcap::SaSecrets& keys) {
        const BenchSuite suite = suite_for(index);
        HNBSEC_TRY(ike::IkeSaConfig hnb_config, bench_hnb_config(suite, ike::testing::ca_validator()));
        HNBSEC_TRY(ike::IkeSaConfig segw_config, bench_segw_config(suite, ike::testing::ca_validator()));
        ike::IkeResponder responder(std::move(segw_config));
        const auto hnb = ike::ipv4_endpoint(192, 168, 77, 2);
        const auto segw = ike::ipv4_endpoint(192, 168, 77, 1);
        ike::IkeInitiator initiator(hnb_config, hnb, segw);
        const auto now = ike::Clock::now();
        HNBSEC_CHECK(exchange(initiator, responder, initiator.start(now), now));
        if (!initiator.established() || initiator.sa().child_sas().size() != 1) {
            return Error("IKE SA " + std::to_string(index + 1) + " did not establish");
        }
        pcap::SaSecrets secrets = pcap::secrets_of(initiator.sa());
        if (secrets.ike.size() != 1 || secrets.esp.size() != 2)
            return Error("no keys exported for the IKE SA");
        // Rows: [0] SeGW -> H(e)NB (the initiator's inbound SA), [1] H(e)NB -> SeGW.
        HNBSEC_TRY(esp::OutboundSa to_hnb, outbound_of(secrets.esp[0]));
        HNBSEC_TRY(esp::OutboundSa to_segw, outbound_of(secrets.esp[1]));
        const std::uint32_t hnb_ip = ipv4_of(hnb);
        const std::uint32_t segw_ip = ipv4_of(segw);
        const pt::Bytes payload(kInnerPayload, 0x5a);
        for (std::size_t i = 0; i < esp_packets; ++i) {
            if (i != 0 && i % kLivenessEvery == 0) {
                HNBSEC_CHECK(exchange(initiator, responder, initiator.sa().send_liveness_check(now), now));
            }
            const bool up = i % 2 == 0;
            const auto port = static_cast<std::uint16_t>(40000 + (i / 2) % 1000);
            const pt::Bytes inner = up ? pt::ipv4(17, pt::udp(port, 5000, payload), kHnbInner, kCoreHost)
                                       : pt::ipv4(17, pt::udp(5000, port, payload), kCoreHost, kHnbInner);
            auto sealed = (up ? to_segw : to_hnb).seal(inner, now);
            if (!sealed.ok()) return std::move(sealed).error().context("sealing ESP");
            HNBSEC_CHECK(put(pt::ipv4(50, *sealed, up ? hnb_ip : segw_ip, up ? segw_ip : hnb_ip)));
            ++result_.esp_packets;
        }
        HNBSEC_CHECK(exchange(initiator, responder, initiator.sa().delete_ike_sa(now), now));
        keys.ike.push_back(std::move(secrets.ike[0]));
        keys.esp.push_back(std::move(secrets.esp[0]));
        keys.esp.push_back(std::move(secrets.esp[1]));
        ++result_.ike_sas;
        return Ok{};
    }

private:
    // Runs an exchange to its end, writing every datagram (IKE over UDP) on the way.
    Status exchange(ike::IkeInitiator& initiator, ike::IkeResponder& responder, ike::Output first,
                    ike::TimePoint now) {
        std::deque<std::pair<bool, ike::Datagram>> queue;  // true: towards the responder
        auto take = [&](ike::Output& out, bool from_initiator) {
            for (auto& d : out.datagrams) queue.emplace_back(from_initiator, std::move(d));
        };
        take(first, true);
        for (int steps = 0; !queue.empty(); ++steps) {
            if (steps > 64) return Error("IKE exchange did not settle");
            auto [to_responder, d] = std::move(queue.front());
            queue.pop_front();
            HNBSEC_CHECK(put(pt::ipv4(17, pt::udp(d.local.port, d.remote.port, d.bytes), ipv4_of(d.local),
                                      ipv4_of(d.remote))));
            ++result_.ike_packets;
            const ike::Datagram arriving{d.remote, d.local, std::move(d.bytes)};
            auto out = to_responder ? responder.handle_datagram(arriving, now)
                                    : initiator.handle_datagram(arriving, now);
            take(out, !to_responder);
        }
        return Ok{};
    }

    Status put(const pt::Bytes& ip) {
        time_ns_ += kPacketSpacingNs;
        ++result_.packets;
        return writer_.write_packet(0, time_ns_, pt::ethernet(ip));
    }

    pcap::PcapngWriter& writer_;
    PcapBenchResult& result_;
    std::int64_t time_ns_ = 1700000000000000000LL;
};

Status write_secret(const fs::path& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Error("cannot write " + path.string());
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write, fs::perm_options::replace);
    return Ok{};
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) lines.push_back(line);
    }
    return lines;
}

// Our inspect, as `hnbsec pcap inspect FILE [--keys DIR]` runs it, text to /dev/null.
Result<std::size_t> time_ours(const fs::path& capture, const fs::path& keys_dir, double& seconds) {
    const auto start = BenchClock::now();
    pcap::TimelineOptions options;
    std::unique_ptr<pcap::EspSaDecryptor> esp;
    if (!keys_dir.empty()) {
        HNBSEC_TRY(pcap::DecryptionKeys keys, pcap::load_decryption_keys(keys_dir));
        HNBSEC_TRY(esp, pcap::EspSaDecryptor::create(keys.esp));
        options.ike_keys = std::move(keys.ike);
        options.esp = esp.get();
    }
    HNBSEC_TRY(pcap::CaptureReader reader, pcap::CaptureReader::open(capture));
    std::FILE* sink = std::fopen("/dev/null", "w");
    if (sink == nullptr) return Error("cannot open /dev/null");
    auto stats = pcap::write_inspection(reader, options, false, sink);
    static_cast<void>(std::fclose(sink));
    seconds = elapsed_since(start);
    if (!stats.ok()) return std::move(stats).error();
    return static_cast<std::size_t>(stats->inner_packets);
}

// tshark with the same keys, decrypting, its one-line-per-packet output to /dev/null.
Status time_tshark(const PcapBenchOptions& options, const fs::path& capture, const pcap::SaSecrets& keys,
                   double& seconds) {
    std::vector<std::string> args = {options.tshark,   "-n", "-r",
                                     capture.string(), "-o", "esp.enable_encryption_decode:TRUE"};
    HNBSEC_TRY(std::string ike_table, pcap::ikev2_decryption_table(keys.ike));
    HNBSEC_TRY(std::string esp_table, pcap::esp_sa_table(keys.esp));
    for (const auto& row : lines_of(ike_table)) {
        args.emplace_back("-o");
        args.push_back("uat:ikev2_decryption_table:" + row);
    }
    for (const auto& row : lines_of(esp_table)) {
        args.emplace_back("-o");
        args.push_back("uat:esp_sa:" + row);
    }
    std::vector<char*> argv;
    argv.reserve(args.size() + 1);
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const auto start = BenchClock::now();
    const int rc = posix_spawnp(&pid, options.tshark.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        return Error("cannot run " + options.tshark + " (" + std::string(std::strerror(rc)) +
                     "): tshark is needed to compare with; install the Debian package tshark");
    }
    int status = 0;
    if (waitpid(pid, &status, 0) != pid) return Error("waiting for tshark failed");
    seconds = elapsed_since(start);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        return Error(options.tshark + " failed on the capture (status " + std::to_string(status) + ")");
    }
    return Ok{};
}

// The floor: libpcap reading every packet of the same file, doing nothing with it.
Result<std::size_t> time_libpcap(const fs::path& capture, double& seconds) {
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    const auto start = BenchClock::now();
    pcap_t* handle = pcap_open_offline(capture.c_str(), errbuf);
    if (handle == nullptr) return Error(std::string("pcap_open_offline: ") + errbuf);
    std::size_t count = 0;
    std::size_t octets = 0;
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    int rc = 0;
    while ((rc = pcap_next_ex(handle, &header, &data)) == 1) {
        ++count;
        octets += header->caplen;
    }
    pcap_close(handle);
    seconds = elapsed_since(start);
    if (rc != PCAP_ERROR_BREAK) return Error("pcap_next_ex failed");
    if (octets == 0) return Error("libpcap read nothing");
    return count;
}

// The AES-GCM rate a decrypting reader is held against: what `openssl speed -evp
// aes-128-gcm` measures at 1400-octet buffers, but each buffer handled as an ESP packet is
// (a fresh nonce, 8 octets of AAD, the tag), over about `bytes` octets in all.
Status time_aes_gcm(std::uintmax_t bytes, double& seconds) {
    constexpr std::size_t kBuffer = 1400;
    std::array<std::uint8_t, 16> key{};
    std::array<std::uint8_t, 12> nonce{};
    std::array<std::uint8_t, 8> aad{};
    std::array<std::uint8_t, 16> tag{};
    if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) return Error("no random key for AES-GCM");
    std::vector<std::uint8_t> buffer(kBuffer, 0x5a);
    using CtxPtr = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
    CtxPtr ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    if (!ctx || EVP_EncryptInit_ex2(ctx.get(), EVP_aes_128_gcm(), key.data(), nullptr, nullptr) != 1) {
        return Error("OpenSSL has no AES-128-GCM");
    }
    const std::uintmax_t count = (bytes + kBuffer - 1) / kBuffer;
    const auto start = BenchClock::now();
    for (std::uintmax_t i = 0; i < count; ++i) {
        for (std::size_t k = 0; k < 8; ++k) nonce[4 + k] = static_cast<std::uint8_t>(i >> (56 - 8 * k));
        int written = 0;
        if (EVP_EncryptInit_ex2(ctx.get(), nullptr, nullptr, nonce.data(), nullptr) != 1 ||
            EVP_EncryptUpdate(ctx.get(), nullptr, &written, aad.data(), static_cast<int>(aad.size())) != 1 ||
            EVP_EncryptUpdate(ctx.get(), buffer.data(), &written, buffer.data(), static_cast<int>(kBuffer)) !=
                1 ||
            EVP_EncryptFinal_ex(ctx.get(), buffer.data() + written, &written) != 1 ||
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) !=
                1) {
            return Error("AES-GCM encryption failed");
        }
    }
    seconds = elapsed_since(start);
    return Ok{};
}

std::string fixed(double v, int decimals) {
    char text[64];
    static_cast<void>(std::snprintf(text, sizeof text, "%.*f", decimals, v));
    return text;
}

}  // namespace

Result<PcapBenchResult> run_pcap_bench(const PcapBenchOptions& options) {
    PcapBenchResult result;
    fs::path dir;
    fs::path capture;
    fs::path keys_dir;
    if (options.keep.empty()) {
        std::string tmpl = (fs::temp_directory_path() / "hnbsec-bench-pcap-XXXXXX").string();
        if (::mkdtemp(tmpl.data()) == nullptr) return Error("cannot create a temporary directory");
        dir = tmpl;
        capture = dir / "bench.pcapng";
        keys_dir = dir;
    } else {
        capture = options.keep;
        keys_dir = fs::path(options.keep.string() + ".keys");
        std::error_code ec;
        fs::create_directories(keys_dir, ec);
        if (ec) return Error("cannot create " + keys_dir.string() + ": " + ec.message());
        result.capture = capture;
    }
    // Removes the temporary directory on every way out.
    struct Cleanup {
        fs::path dir;
        ~Cleanup() {
            std::error_code ec;
            if (!dir.empty()) fs::remove_all(dir, ec);
        }
    } cleanup{dir};

    const auto generate_start = BenchClock::now();
    pcap::SaSecrets keys;
    {
        HNBSEC_TRY(
            pcap::PcapngWriter writer,
            pcap::PcapngWriter::create(capture, pcap::SectionInfo{"hnbsec bench pcap", "", "", "hnbsec"}));
        pcap::CaptureInterface interface;
        interface.link_type = pcap::LinkType::kEthernet;
        HNBSEC_TRY(std::uint32_t id, writer.add_interface(interface));
        static_cast<void>(id);
        CaptureBuilder builder(writer, result);
        for (std::size_t sa = 0; result.packets < options.packets; ++sa) {
            const std::size_t left = options.packets - result.packets;
            const std::size_t esp = std::max<std::size_t>(2, std::min(kEspPerSa, left));
            HNBSEC_CHECK(builder.session(sa, esp, keys));
        }
        HNBSEC_CHECK(writer.close());
    }
    HNBSEC_TRY(std::string ike_table, pcap::ikev2_decryption_table(keys.ike));
    HNBSEC_TRY(std::string esp_table, pcap::esp_sa_table(keys.esp));
    HNBSEC_CHECK(write_secret(keys_dir / "ikev2_decryption_table", ike_table));
    HNBSEC_CHECK(write_secret(keys_dir / "esp_sa", esp_table));
    result.generate_seconds = elapsed_since(generate_start);
    result.file_bytes = fs::file_size(capture);

    // One after the other on the same (page-cached) file: libpcap first warms the cache.
    // The fast readers take a few dozen milliseconds, where a scheduler hiccup on a shared
    // machine is a large fraction: each is run kFastRuns times and its best time is kept.
    result.libpcap_seconds = result.ours_seconds = result.ours_no_keys_seconds = result.gcm_seconds = 1e9;
    result.gcm_bytes = (result.file_bytes + 1399) / 1400 * 1400;
    for (int run = 0; run < kFastRuns; ++run) {
        double seconds = 0;
        HNBSEC_TRY(std::size_t read, time_libpcap(capture, seconds));
        if (read != result.packets) {
            return Error("libpcap read " + std::to_string(read) + " packets of " +
                         std::to_string(result.packets));
        }
        result.libpcap_seconds = std::min(result.libpcap_seconds, seconds);
        HNBSEC_TRY(result.inner_packets, time_ours(capture, keys_dir, seconds));
        if (result.inner_packets != result.esp_packets) {
            return Error("our inspect decrypted " + std::to_string(result.inner_packets) + " of " +
                         std::to_string(result.esp_packets) + " ESP packets");
        }
        result.ours_seconds = std::min(result.ours_seconds, seconds);
        HNBSEC_TRY(std::size_t opaque, time_ours(capture, {}, seconds));
        if (opaque != 0)
            return Error("inspect without keys decrypted " + std::to_string(opaque) + " packets");
        result.ours_no_keys_seconds = std::min(result.ours_no_keys_seconds, seconds);
        HNBSEC_CHECK(time_aes_gcm(result.file_bytes, seconds));
        result.gcm_seconds = std::min(result.gcm_seconds, seconds);
    }
    HNBSEC_CHECK(time_tshark(options, capture, keys, result.tshark_seconds));
    return result;
}

PcapBenchRatios pcap_bench_ratios(const PcapBenchResult& r) {
    const auto bytes = static_cast<double>(r.file_bytes);
    PcapBenchRatios ratios;
    ratios.no_keys_vs_libpcap = r.libpcap_seconds / r.ours_no_keys_seconds;
    const double bound =
        std::min(bytes / r.libpcap_seconds, static_cast<double>(r.gcm_bytes) / r.gcm_seconds);
    ratios.decrypt_vs_bound = (bytes / r.ours_seconds) / bound;
    ratios.tshark_time = r.ours_seconds / r.tshark_seconds;
    return ratios;
}

namespace {

std::string verdict(bool met) {
    return met ? "met" : "NOT met";
}

// "name  seconds  packets/s  MB/s" with the columns aligned.
std::string row(const std::string& name, double seconds, double packets, double bytes) {
    char text[160];
    static_cast<void>(std::snprintf(text, sizeof text, "%-46s %8.3f %11.0f %9.1f", name.c_str(), seconds,
                                    packets / seconds, bytes / seconds / 1e6));
    return text;
}

}  // namespace

std::string pcap_bench_table(const PcapBenchResult& r) {
    const auto n = static_cast<double>(r.packets);
    const auto bytes = static_cast<double>(r.file_bytes);
    const PcapBenchRatios ratios = pcap_bench_ratios(r);
    std::ostringstream out;
    out << "capture: " << r.packets << " packets (" << r.ike_packets << " IKE, " << r.esp_packets
        << " ESP) of " << r.ike_sas << " IKE SAs, " << r.file_bytes << " octets, generated in "
        << fixed(r.generate_seconds, 2) << " s";
    if (!r.capture.empty())
        out << ", kept as " << r.capture.string() << " (keys in " << r.capture.string() << ".keys)";
    out << "\n";
    char header[160];
    static_cast<void>(
        std::snprintf(header, sizeof header, "%-46s %8s %11s %9s", "reader", "seconds", "packets/s", "MB/s"));
    out << header << "\n";
    out << row("hnbsec pcap inspect (decrypting)", r.ours_seconds, n, bytes) << "  (" << r.inner_packets
        << " inner packets)\n";
    out << row("hnbsec pcap inspect (no keys)", r.ours_no_keys_seconds, n, bytes) << "\n";
    out << row("tshark -r (decrypting)", r.tshark_seconds, n, bytes) << "\n";
    out << row("libpcap read loop", r.libpcap_seconds, n, bytes) << "\n";
    out << row("OpenSSL AES-128-GCM, 1400-octet buffers", r.gcm_seconds,
               static_cast<double>(r.gcm_bytes) / 1400.0, static_cast<double>(r.gcm_bytes))
        << "  (buffers/s; encrypting the capture's size)\n";
    out << "ratio 1, header decode without keys / libpcap read, rate: " << fixed(ratios.no_keys_vs_libpcap, 3)
        << " (target >= " << fixed(kPcapBenchLibpcapTarget, 1) << ": "
        << verdict(ratios.no_keys_vs_libpcap >= kPcapBenchLibpcapTarget) << ")\n";
    out << "ratio 2, decode with all ESP decrypted / min(libpcap read, AES-GCM), bytes/s: "
        << fixed(ratios.decrypt_vs_bound, 3) << " (target >= " << fixed(kPcapBenchDecryptTarget, 1) << ": "
        << verdict(ratios.decrypt_vs_bound >= kPcapBenchDecryptTarget) << ")\n";
    out << "ratio 3, ours / tshark time, both decrypting: " << fixed(ratios.tshark_time, 3)
        << " (target <= " << fixed(kPcapBenchTsharkTarget, 1) << ": "
        << verdict(ratios.tshark_time <= kPcapBenchTsharkTarget) << ")\n";
    return out.str();
}

}  // namespace hnbsec::bench
