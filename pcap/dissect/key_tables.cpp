#include "pcap/dissect/key_tables.h"

#include <fstream>
#include <sstream>
#include <string>

#include "proto/wire/hex.h"

namespace hnbsec::pcap {
namespace {

// Splits one UAT line at commas outside double quotes; quotes are removed. Wireshark
// writes no escaped quotes in these tables (names and hex only).
std::vector<std::string> split_fields(std::string_view line) {
    std::vector<std::string> fields(1);
    bool quoted = false;
    for (char c : line) {
        if (c == '"') {
            quoted = !quoted;
        } else if (c == ',' && !quoted) {
            fields.emplace_back();
        } else {
            fields.back().push_back(c);
        }
    }
    return fields;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

Result<std::vector<std::uint8_t>> hex_field(std::string_view text, std::string_view field) {
    if (text.starts_with("0x") || text.starts_with("0X")) text.remove_prefix(2);
    auto bytes = wire::from_hex(text);
    if (!bytes.ok()) return Error(std::string(field) + ": " + bytes.error().what());
    return bytes;
}

Result<std::uint64_t> spi64(std::string_view text, std::string_view field) {
    HNBSEC_TRY(auto bytes, hex_field(text, field));
    if (bytes.size() != 8)
        return Error(std::string(field) + ": " + std::to_string(bytes.size()) + " octets, expected 8");
    std::uint64_t v = 0;
    for (auto b : bytes) v = (v << 8) | b;
    return v;
}

// Wireshark 4.0's IKEv2 encryption names (packet-isakmp.c), as wireshark_uat.cpp writes them.
Result<ike::Suite> ike_encryption(std::string_view name, ike::Suite suite) {
    for (std::uint16_t bits : {128, 192, 256}) {
        const std::string b = std::to_string(bits);
        if (name == "AES-CBC-" + b + " [RFC3602]") {
            suite.encr = ike::EncrId::kAesCbc;
            suite.encr_key_bits = bits;
            return suite;
        }
        for (int icv : {8, 12, 16}) {
            if (name == "AES-GCM-" + b + " with " + std::to_string(icv) + " octet ICV [RFC5282]") {
                suite.encr = icv == 8    ? ike::EncrId::kAesGcm8
                             : icv == 12 ? ike::EncrId::kAesGcm12
                                         : ike::EncrId::kAesGcm16;
                suite.encr_key_bits = bits;
                suite.integ = ike::IntegId::kNone;
                return suite;
            }
        }
    }
    if (name == "3DES [RFC2451]") {
        suite.encr = ike::EncrId::k3Des;
        suite.encr_key_bits = 0;
        return suite;
    }
    return Error("encryption algorithm \"" + std::string(name) + "\" is not one we decrypt");
}

Result<ike::IntegId> ike_integrity(std::string_view name) {
    if (name == "NONE [RFC4306]") return ike::IntegId::kNone;
    if (name == "HMAC_SHA1_96 [RFC2404]") return ike::IntegId::kHmacSha1_96;
    if (name == "HMAC_SHA2_256_128 [RFC4868]") return ike::IntegId::kHmacSha2_256_128;
    if (name == "HMAC_SHA2_384_192 [RFC4868]") return ike::IntegId::kHmacSha2_384_192;
    if (name == "HMAC_SHA2_512_256 [RFC4868]") return ike::IntegId::kHmacSha2_512_256;
    return Error("integrity algorithm \"" + std::string(name) + "\" is not one we check");
}

Result<ike::EncrId> esp_encryption(std::string_view name) {
    if (name == "NULL") return ike::EncrId::kNull;
    if (name == "AES-CBC [RFC3602]") return ike::EncrId::kAesCbc;
    if (name == "AES-CTR [RFC3686]") return ike::EncrId::kAesCtr;
    if (name == "TripleDES-CBC [RFC2451]") return ike::EncrId::k3Des;
    if (name == "AES-GCM with 8 octet ICV [RFC4106]") return ike::EncrId::kAesGcm8;
    if (name == "AES-GCM with 12 octet ICV [RFC4106]") return ike::EncrId::kAesGcm12;
    if (name == "AES-GCM with 16 octet ICV [RFC4106]") return ike::EncrId::kAesGcm16;
    return Error("ESP encryption algorithm \"" + std::string(name) + "\" is not one we know");
}

Result<ike::IntegId> esp_authentication(std::string_view name) {
    if (name == "NULL") return ike::IntegId::kNone;
    if (name == "HMAC-SHA-1-96 [RFC2404]") return ike::IntegId::kHmacSha1_96;
    if (name == "HMAC-SHA-256-128 [RFC4868]") return ike::IntegId::kHmacSha2_256_128;
    if (name == "HMAC-SHA-384-192 [RFC4868]") return ike::IntegId::kHmacSha2_384_192;
    if (name == "HMAC-SHA-512-256 [RFC4868]") return ike::IntegId::kHmacSha2_512_256;
    return Error("ESP authentication algorithm \"" + std::string(name) + "\" is not one we know");
}

// Calls parse_line on every meaningful line; errors get the line number.
template <typename T, typename Parse>
Result<std::vector<T>> parse_lines(std::string_view text, std::string_view table, Parse parse_line) {
    std::vector<T> out;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const auto end = text.find('\n');
        std::string_view line = trim(text.substr(0, end));
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (line.empty() || line.front() == '#') continue;
        auto parsed = parse_line(split_fields(line));
        if (!parsed.ok())
            return Error(std::string(table) + " line " + std::to_string(number) + ": " +
                         parsed.error().message());
        out.push_back(std::move(parsed).value());
    }
    return out;
}

Result<std::string> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error("cannot read " + path.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

}  // namespace

IkeDecryptionKey ike_decryption_key(const ike::IkeSaKeyExport& exported) {
    return IkeDecryptionKey{exported.spi_i, exported.spi_r, exported.suite, exported.keys};
}

Result<std::vector<IkeDecryptionKey>> parse_ikev2_decryption_table(std::string_view text) {
    return parse_lines<IkeDecryptionKey>(
        text, "ikev2_decryption_table", [](const std::vector<std::string>& f) -> Result<IkeDecryptionKey> {
            if (f.size() != 8) return Error(std::to_string(f.size()) + " fields, expected 8");
            IkeDecryptionKey key;
            HNBSEC_TRY(key.spi_i, spi64(f[0], "Initiator's SPI"));
            HNBSEC_TRY(key.spi_r, spi64(f[1], "Responder's SPI"));
            HNBSEC_TRY(key.keys.sk_ei, hex_field(f[2], "SK_ei"));
            HNBSEC_TRY(key.keys.sk_er, hex_field(f[3], "SK_er"));
            HNBSEC_TRY(key.suite, ike_encryption(f[4], key.suite));
            HNBSEC_TRY(key.keys.sk_ai, hex_field(f[5], "SK_ai"));
            HNBSEC_TRY(key.keys.sk_ar, hex_field(f[6], "SK_ar"));
            HNBSEC_TRY(ike::IntegId integ, ike_integrity(f[7]));
            if (key.suite.integ != ike::IntegId::kNone || integ != ike::IntegId::kNone)
                key.suite.integ = integ;
            return key;
        });
}

Result<std::vector<EspSaSecrets>> parse_esp_sa_table(std::string_view text) {
    return parse_lines<EspSaSecrets>(
        text, "esp_sa", [](const std::vector<std::string>& f) -> Result<EspSaSecrets> {
            if (f.size() != 8) return Error(std::to_string(f.size()) + " fields, expected 8");
            EspSaSecrets sa;
            if (f[0] != "IPv4" && f[0] != "IPv6")
                return Error("Protocol \"" + f[0] + "\", expected IPv4 or IPv6");
            sa.ipv6 = f[0] == "IPv6";
            sa.source = f[1];
            sa.destination = f[2];
            HNBSEC_TRY(auto spi, hex_field(f[3], "SPI"));
            if (spi.size() != 4) return Error("SPI: " + std::to_string(spi.size()) + " octets, expected 4");
            sa.spi = (std::uint32_t{spi[0]} << 24) | (std::uint32_t{spi[1]} << 16) |
                     (std::uint32_t{spi[2]} << 8) | spi[3];
            HNBSEC_TRY(sa.encr, esp_encryption(f[4]));
            HNBSEC_TRY(sa.encryption_key, hex_field(f[5], "Encryption Key"));
            HNBSEC_TRY(sa.integ, esp_authentication(f[6]));
            HNBSEC_TRY(sa.integrity_key, hex_field(f[7], "Authentication Key"));
            const bool gcm = sa.encr == ike::EncrId::kAesGcm8 || sa.encr == ike::EncrId::kAesGcm12 ||
                             sa.encr == ike::EncrId::kAesGcm16;
            const std::size_t key_octets =
                sa.encryption_key.size() - (gcm && sa.encryption_key.size() >= 4 ? 4 : 0);
            sa.encr_key_bits = static_cast<std::uint16_t>(key_octets * 8);
            return sa;
        });
}

Result<DecryptionKeys> load_decryption_keys(const std::filesystem::path& dir) {
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec))
        return Error("key directory " + dir.string() + " does not exist");
    DecryptionKeys keys;
    const auto ike_path = dir / "ikev2_decryption_table";
    if (std::filesystem::exists(ike_path, ec)) {
        HNBSEC_TRY(std::string text, read_file(ike_path));
        auto parsed = parse_ikev2_decryption_table(text);
        if (!parsed.ok()) return std::move(parsed).error().context("reading " + ike_path.string());
        keys.ike = std::move(parsed).value();
    }
    const auto esp_path = dir / "esp_sa";
    if (std::filesystem::exists(esp_path, ec)) {
        HNBSEC_TRY(std::string text, read_file(esp_path));
        auto parsed = parse_esp_sa_table(text);
        if (!parsed.ok()) return std::move(parsed).error().context("reading " + esp_path.string());
        keys.esp = std::move(parsed).value();
    }
    return keys;
}

}  // namespace hnbsec::pcap
