#include "pcap/keys/wireshark_uat.h"

#include <array>
#include <span>

namespace hnbsec::pcap {
namespace {

std::string hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text;
    text.reserve(bytes.size() * 2);
    for (std::uint8_t b : bytes) {
        text.push_back(kDigits[b >> 4]);
        text.push_back(kDigits[b & 0xf]);
    }
    return text;
}

std::string quoted(const std::string& s) {
    return "\"" + s + "\"";
}

bool is_gcm(ike::EncrId id) {
    return id == ike::EncrId::kAesGcm8 || id == ike::EncrId::kAesGcm12 || id == ike::EncrId::kAesGcm16;
}

int gcm_icv_octets(ike::EncrId id) {
    if (id == ike::EncrId::kAesGcm8) return 8;
    if (id == ike::EncrId::kAesGcm12) return 12;
    return 16;
}

// Names from Wireshark's IKEv2 dissector (packet-isakmp.c, Wireshark 4.0).
Result<std::string> ike_encryption_name(ike::EncrId id, std::uint16_t bits) {
    const bool aes_size = bits == 128 || bits == 192 || bits == 256;
    if (id == ike::EncrId::k3Des) return std::string("3DES [RFC2451]");
    if (id == ike::EncrId::kAesCbc && aes_size) return "AES-CBC-" + std::to_string(bits) + " [RFC3602]";
    if (is_gcm(id) && aes_size)
        return "AES-GCM-" + std::to_string(bits) + " with " + std::to_string(gcm_icv_octets(id)) +
               " octet ICV [RFC5282]";
    return Error("Wireshark cannot decrypt IKEv2 with " + std::string(ike::to_string(id)) + " (" +
                 std::to_string(bits) + " bits)");
}

Result<std::string> ike_integrity_name(ike::IntegId id) {
    switch (id) {
        case ike::IntegId::kNone:
            return std::string("NONE [RFC4306]");
        case ike::IntegId::kHmacSha1_96:
            return std::string("HMAC_SHA1_96 [RFC2404]");
        case ike::IntegId::kHmacSha2_256_128:
            return std::string("HMAC_SHA2_256_128 [RFC4868]");
        case ike::IntegId::kHmacSha2_384_192:
            return std::string("HMAC_SHA2_384_192 [RFC4868]");
        case ike::IntegId::kHmacSha2_512_256:
            return std::string("HMAC_SHA2_512_256 [RFC4868]");
        default:
            break;
    }
    return Error("Wireshark cannot check IKEv2 integrity " + std::string(ike::to_string(id)));
}

// Names from Wireshark's ESP dissector (packet-ipsec.c, Wireshark 4.0); the key
// length is implied by the key itself.
Result<std::string> esp_encryption_name(ike::EncrId id) {
    if (id == ike::EncrId::kNull) return std::string("NULL");
    if (id == ike::EncrId::k3Des) return std::string("TripleDES-CBC [RFC2451]");
    if (id == ike::EncrId::kAesCbc) return std::string("AES-CBC [RFC3602]");
    if (id == ike::EncrId::kAesCtr) return std::string("AES-CTR [RFC3686]");
    if (is_gcm(id)) return "AES-GCM with " + std::to_string(gcm_icv_octets(id)) + " octet ICV [RFC4106]";
    return Error("Wireshark cannot decrypt ESP with " + std::string(ike::to_string(id)));
}

Result<std::string> esp_authentication_name(ike::IntegId id) {
    switch (id) {
        case ike::IntegId::kNone:
            return std::string("NULL");
        case ike::IntegId::kHmacSha1_96:
            return std::string("HMAC-SHA-1-96 [RFC2404]");
        case ike::IntegId::kHmacSha2_256_128:
            return std::string("HMAC-SHA-256-128 [RFC4868]");
        case ike::IntegId::kHmacSha2_384_192:
            return std::string("HMAC-SHA-384-192 [RFC4868]");
        case ike::IntegId::kHmacSha2_512_256:
            return std::string("HMAC-SHA-512-256 [RFC4868]");
        default:
            break;
    }
    return Error("Wireshark cannot check ESP authentication " + std::string(ike::to_string(id)));
}

template <typename Sa, typename Line>
Result<std::string> table(const std::vector<Sa>& sas, Line line) {
    std::string text;
    for (const auto& sa : sas) {
        HNBSEC_TRY(std::string one, line(sa));
        text += one + "\n";
    }
    return text;
}

}  // namespace

Result<std::string> ikev2_decryption_table_line(const IkeSaSecrets& sa) {
    HNBSEC_TRY(std::string encryption, ike_encryption_name(sa.encr, sa.encr_key_bits));
    HNBSEC_TRY(std::string integrity, ike_integrity_name(is_gcm(sa.encr) ? ike::IntegId::kNone : sa.integ));
    return hex(sa.spi_i) + "," + hex(sa.spi_r) + "," + hex(sa.sk_ei) + "," + hex(sa.sk_er) + "," +
           quoted(encryption) + "," + hex(sa.sk_ai) + "," + hex(sa.sk_ar) + "," + quoted(integrity);
}

Result<std::string> esp_sa_line(const EspSaSecrets& sa) {
    HNBSEC_TRY(std::string encryption, esp_encryption_name(sa.encr));
    HNBSEC_TRY(std::string authentication,
               esp_authentication_name(is_gcm(sa.encr) ? ike::IntegId::kNone : sa.integ));
    const std::array<std::uint8_t, 4> spi_bytes{
        static_cast<std::uint8_t>(sa.spi >> 24), static_cast<std::uint8_t>(sa.spi >> 16),
        static_cast<std::uint8_t>(sa.spi >> 8), static_cast<std::uint8_t>(sa.spi)};
    const std::string spi = "0x" + hex(spi_bytes);
    return quoted(sa.ipv6 ? "IPv6" : "IPv4") + "," + quoted(sa.source) + "," + quoted(sa.destination) + "," +
           quoted(spi) + "," + quoted(encryption) + "," + quoted("0x" + hex(sa.encryption_key)) + "," +
           quoted(authentication) + "," + quoted("0x" + hex(sa.integrity_key));
}

Result<std::string> ikev2_decryption_table(const std::vector<IkeSaSecrets>& sas) {
    return table(sas, ikev2_decryption_table_line);
}

Result<std::string> esp_sa_table(const std::vector<EspSaSecrets>& sas) {
    return table(sas, esp_sa_line);
}

}  // namespace hnbsec::pcap
