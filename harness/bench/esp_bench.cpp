#include "harness/bench/esp_bench.h"

#include <array>
#include <chrono>
#include <cstdio>
#include <memory>
#include <sstream>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "proto/esp/esp_sa.h"
#include "proto/ike/crypto/openssl_handles.h"

namespace hnbsec::bench {
namespace {

using BenchClock = std::chrono::steady_clock;
using esp::Bytes;
using CipherPtr = std::unique_ptr<EVP_CIPHER, ike::ossl::Deleter<EVP_CIPHER, EVP_CIPHER_free>>;
using MacPtr = std::unique_ptr<EVP_MAC, ike::ossl::Deleter<EVP_MAC, EVP_MAC_free>>;

struct SuiteSpec {
    const char* name;
    ike::Suite suite;
    std::size_t key_size;  // AES key, octets
    bool gcm;
};

SuiteSpec suite_spec(EspBenchSuite s) {
    ike::Suite suite;
    suite.integ = ike::IntegId::kNone;
    switch (s) {
        case EspBenchSuite::kAesGcm128:
            suite.encr = ike::EncrId::kAesGcm16;
            suite.encr_key_bits = 128;
            return {"aes128gcm16", suite, 16, true};
        case EspBenchSuite::kAesGcm256:
            suite.encr = ike::EncrId::kAesGcm16;
            suite.encr_key_bits = 256;
            return {"aes256gcm16", suite, 32, true};
        case EspBenchSuite::kAesCbc128Sha256:
            break;
    }
    suite.encr = ike::EncrId::kAesCbc;
    suite.encr_key_bits = 128;
    suite.integ = ike::IntegId::kHmacSha2_256_128;
    return {"aes128-sha256", suite, 16, false};
}

double elapsed_since(BenchClock::time_point start) {
    return std::chrono::duration<double>(BenchClock::now() - start).count();
}

bool keep_going(std::size_t count, const EspBenchOptions& options, BenchClock::time_point start) {
    if (options.max_packets != 0) return count < options.max_packets;
    // Read the clock every 64 packets only: a packet takes about a microsecond.
    return (count % 64 != 0) || elapsed_since(start) < options.seconds;
}

// An IPv4/UDP packet of `size` octets from the H(e)NB's inner address to a core host.
Bytes inner_packet(std::size_t size) {
    Bytes p(size, 0x5a);
    const std::array<std::uint8_t, 28> header = {0x45,
                                                 0,
                                                 static_cast<std::uint8_t>(size >> 8),
                                                 static_cast<std::uint8_t>(size),
                                                 0,
                                                 1,
                                                 0x40,
                                                 0,
                                                 64,
                                                 17,
                                                 0,
                                                 0,
                                                 10,
                                                 77,
                                                 0,
                                                 1,
                                                 10,
                                                 78,
                                                 0,
                                                 1,
                                                 0x13,
                                                 0x89,
                                                 0x13,
                                                 0x89,
                                                 static_cast<std::uint8_t>((size - 20) >> 8),
                                                 static_cast<std::uint8_t>(size - 20),
                                                 0,
                                                 0};
    std::copy(header.begin(), header.end(), p.begin());
    return p;
}

esp::EspSaConfig sa_config(const SuiteSpec& spec) {
    esp::EspSaConfig c;
    c.spi = 0xbe0c0001;
    c.suite = spec.suite;
    c.encryption_key.assign(spec.key_size + (spec.gcm ? 4 : 0), 0x3c);
    if (!spec.gcm) c.integrity_key.assign(32, 0xa5);
    return c;  // no traffic selectors: any inner address
}

Status measure_ours(const SuiteSpec& spec, const EspBenchOptions& options, EspBenchResult& result) {
    const esp::EspSaConfig config = sa_config(spec);
    HNBSEC_TRY(esp::OutboundSa out, esp::OutboundSa::create(config, esp::TimePoint{}));
    HNBSEC_TRY(esp::InboundSa in, esp::InboundSa::create(config, esp::TimePoint{}));
    result.transform = out.transform_name();
    const Bytes inner = inner_packet(options.packet_size);
    const esp::TimePoint now{};
    const auto start = BenchClock::now();
    std::size_t count = 0;
    do {
        auto packet = out.seal(inner, now);
        if (!packet.ok())
            return std::move(packet).error().context("sealing packet " + std::to_string(count + 1));
        const esp::InboundResult opened = in.open(*packet, now);
        if (!opened.accepted() || opened.inner.size() != inner.size()) {
            return Error("packet " + std::to_string(count + 1) + " was not accepted: " +
                         std::string(esp::inbound_outcome_name(opened.outcome)) + ", " + opened.reason);
        }
        ++count;
    } while (keep_going(count, options, start));
    result.seconds = elapsed_since(start);
    result.packets = count;
    return Ok{};
}

// OpenSSL alone on the same plaintext (the inner packet with its ESP trailer): cipher and
// HMAC keyed once, no allocation, one encrypt + one verified decrypt per packet.
Status measure_openssl(const SuiteSpec& spec, const EspBenchOptions& options, EspBenchResult& result) {
    const esp::EspSaConfig config = sa_config(spec);
    const std::size_t align = spec.gcm ? 4 : 16;
    const std::size_t text_size = (options.packet_size + 2 + align - 1) / align * align;
    Bytes plain = inner_packet(options.packet_size);
    plain.resize(text_size, 0);
    Bytes cipher(text_size + 16), back(text_size + 16);
    std::array<std::uint8_t, 8> header = {0xbe, 0x0c, 0, 1, 0, 0, 0, 0};
    const std::string name = "AES-" + std::to_string(spec.key_size * 8) + (spec.gcm ? "-GCM" : "-CBC");
    const CipherPtr algorithm(EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr));
    const ike::ossl::CipherCtxPtr enc(EVP_CIPHER_CTX_new()), dec(EVP_CIPHER_CTX_new());
    if (!algorithm || !enc || !dec ||
        EVP_EncryptInit_ex2(enc.get(), algorithm.get(), config.encryption_key.data(), nullptr, nullptr) !=
            1 ||
        EVP_DecryptInit_ex2(dec.get(), algorithm.get(), config.encryption_key.data(), nullptr, nullptr) !=
            1) {
        return Error("OpenSSL " + name + " set-up failed: " + ike::ossl::errors());
    }
    EVP_CIPHER_CTX_set_padding(enc.get(), 0);
    EVP_CIPHER_CTX_set_padding(dec.get(), 0);
    const MacPtr mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    const ike::ossl::MacCtxPtr hmac(mac ? EVP_MAC_CTX_new(mac.get()) : nullptr);
    std::array<OSSL_PARAM, 2> params = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SHA2-256"), 0),  // NOLINT
        OSSL_PARAM_construct_end()};
    if (!spec.gcm && (!hmac || EVP_MAC_init(hmac.get(), config.integrity_key.data(),
                                            config.integrity_key.size(), params.data()) != 1)) {
        return Error("OpenSSL HMAC-SHA2-256 set-up failed: " + ike::ossl::errors());
    }
    std::array<std::uint8_t, 16> iv{};
    std::array<std::uint8_t, 16> tag{};
    std::array<std::uint8_t, EVP_MAX_MD_SIZE> mac_out{}, mac_check{};
    const auto start = BenchClock::now();
    std::size_t count = 0;
    do {
        ++count;
        header[7] = static_cast<std::uint8_t>(count);
        iv[15] = static_cast<std::uint8_t>(count);
        iv[14] = static_cast<std::uint8_t>(count >> 8);
        int n = 0;
        std::size_t mac_size = 0;
        bool ok = false;
        if (spec.gcm) {
            ok = EVP_EncryptInit_ex2(enc.get(), nullptr, nullptr, iv.data(), nullptr) == 1 &&
                 EVP_EncryptUpdate(enc.get(), nullptr, &n, header.data(), 8) == 1 &&
                 EVP_EncryptUpdate(enc.get(), cipher.data(), &n, plain.data(), static_cast<int>(text_size)) ==
                     1 &&
                 EVP_EncryptFinal_ex(enc.get(), cipher.data() + n, &n) == 1 &&
                 EVP_CIPHER_CTX_ctrl(enc.get(), EVP_CTRL_GCM_GET_TAG, 16, tag.data()) == 1 &&
                 EVP_DecryptInit_ex2(dec.get(), nullptr, nullptr, iv.data(), nullptr) == 1 &&
                 EVP_DecryptUpdate(dec.get(), nullptr, &n, header.data(), 8) == 1 &&
                 EVP_DecryptUpdate(dec.get(), back.data(), &n, cipher.data(), static_cast<int>(text_size)) ==
                     1 &&
                 EVP_CIPHER_CTX_ctrl(dec.get(), EVP_CTRL_GCM_SET_TAG, 16, tag.data()) == 1 &&
                 EVP_DecryptFinal_ex(dec.get(), back.data() + n, &n) == 1;
        } else {
            ok = EVP_EncryptInit_ex2(enc.get(), nullptr, nullptr, iv.data(), nullptr) == 1 &&
                 EVP_EncryptUpdate(enc.get(), cipher.data(), &n, plain.data(), static_cast<int>(text_size)) ==
                     1 &&
                 EVP_MAC_init(hmac.get(), nullptr, 0, nullptr) == 1 &&
                 EVP_MAC_update(hmac.get(), header.data(), header.size()) == 1 &&
                 EVP_MAC_update(hmac.get(), iv.data(), iv.size()) == 1 &&
                 EVP_MAC_update(hmac.get(), cipher.data(), text_size) == 1 &&
                 EVP_MAC_final(hmac.get(), mac_out.data(), &mac_size, mac_out.size()) == 1 &&
                 EVP_MAC_init(hmac.get(), nullptr, 0, nullptr) == 1 &&
                 EVP_MAC_update(hmac.get(), header.data(), header.size()) == 1 &&
                 EVP_MAC_update(hmac.get(), iv.data(), iv.size()) == 1 &&
                 EVP_MAC_update(hmac.get(), cipher.data(), text_size) == 1 &&
                 EVP_MAC_final(hmac.get(), mac_check.data(), &mac_size, mac_check.size()) == 1 &&
                 CRYPTO_memcmp(mac_out.data(), mac_check.data(), 16) == 0 &&
                 EVP_DecryptInit_ex2(dec.get(), nullptr, nullptr, iv.data(), nullptr) == 1 &&
                 EVP_DecryptUpdate(dec.get(), back.data(), &n, cipher.data(), static_cast<int>(text_size)) ==
                     1;
        }
        if (!ok) return Error("OpenSSL " + name + " round trip failed: " + ike::ossl::errors());
    } while (keep_going(count, options, start));
    result.openssl_seconds = elapsed_since(start);
    result.openssl_packets = count;
    if (!std::equal(plain.begin(), plain.end(), back.begin()))
        return Error("OpenSSL " + name + " round trip differs");
    return Ok{};
}

std::string fixed(double value, int decimals) {
    std::array<char, 64> text{};
    (void)std::snprintf(text.data(), text.size(), "%.*f", decimals, value);
    return text.data();
}

}  // namespace

Result<std::vector<EspBenchResult>> run_esp_bench(const EspBenchOptions& options) {
    if (options.packet_size < 28 || options.packet_size > 65535) {
        return Error("packet size " + std::to_string(options.packet_size) +
                     " is outside 28..65535 (IPv4 + UDP)");
    }
    std::vector<EspBenchResult> results;
    for (EspBenchSuite s : options.suites) {
        const SuiteSpec spec = suite_spec(s);
        EspBenchResult r;
        r.suite = spec.name;
        r.packet_size = options.packet_size;
        if (auto done = measure_ours(spec, options, r); !done.ok()) {
            return std::move(done).error().context("benchmarking ESP " + r.suite);
        }
        if (auto done = measure_openssl(spec, options, r); !done.ok()) {
            return std::move(done).error().context("benchmarking OpenSSL for " + r.suite);
        }
        const double bits = static_cast<double>(options.packet_size) * 8;
        r.packets_per_second = static_cast<double>(r.packets) / r.seconds;
        r.mbit_per_second = r.packets_per_second * bits / 1e6;
        r.openssl_packets_per_second = static_cast<double>(r.openssl_packets) / r.openssl_seconds;
        r.openssl_mbit_per_second = r.openssl_packets_per_second * bits / 1e6;
        r.ratio = r.packets_per_second / r.openssl_packets_per_second;
        results.push_back(std::move(r));
    }
    return results;
}

std::string esp_bench_table(const std::vector<EspBenchResult>& results) {
    std::ostringstream out;
    out << "ESP encrypt + decrypt round trips of one SA pair, in-process, single-threaded";
    if (!results.empty()) out << ", " << results.front().packet_size << "-octet inner packets";
    out << "\n";
    std::array<char, 256> line{};
    (void)std::snprintf(line.data(), line.size(), "%-14s %-30s %10s %10s %12s %12s %6s\n", "suite",
                        "transform", "packets/s", "Mbit/s", "openssl p/s", "openssl Mb/s", "ratio");
    out << line.data();
    for (const auto& r : results) {
        (void)std::snprintf(line.data(), line.size(), "%-14s %-30s %10.0f %10.1f %12.0f %12.1f %6.2f%s\n",
                            r.suite.c_str(), r.transform.c_str(), r.packets_per_second, r.mbit_per_second,
                            r.openssl_packets_per_second, r.openssl_mbit_per_second, r.ratio,
                            r.ratio >= kEspBenchTargetRatio ? "" : "  (below target)");
        out << line.data();
    }
    out << "target ratio >= " << fixed(kEspBenchTargetRatio, 2)
        << "; ours = OutboundSa::seal + InboundSa::open (replay, ICV, padding, inner packet, TS checks);\n"
        << "openssl = raw EVP of the same transform on the same plaintext (keyed once, no allocation)\n";
    return out.str();
}

std::string esp_bench_json(const std::vector<EspBenchResult>& results) {
    std::ostringstream out;
    out << "{\"benchmark\": \"esp\", \"threads\": 1, \"target_ratio\": " << fixed(kEspBenchTargetRatio, 2)
        << ", \"suites\": [";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        out << (i != 0 ? ", " : "") << "{\"suite\": \"" << r.suite << "\", \"transform\": \"" << r.transform
            << "\", \"packet_size\": " << r.packet_size << ", \"packets\": " << r.packets
            << ", \"seconds\": " << fixed(r.seconds, 3)
            << ", \"packets_per_second\": " << fixed(r.packets_per_second, 1)
            << ", \"mbit_per_second\": " << fixed(r.mbit_per_second, 1)
            << ", \"openssl_packets\": " << r.openssl_packets
            << ", \"openssl_packets_per_second\": " << fixed(r.openssl_packets_per_second, 1)
            << ", \"openssl_mbit_per_second\": " << fixed(r.openssl_mbit_per_second, 1)
            << ", \"ratio\": " << fixed(r.ratio, 3) << "}";
    }
    out << "]}\n";
    return out.str();
}

}  // namespace hnbsec::bench
