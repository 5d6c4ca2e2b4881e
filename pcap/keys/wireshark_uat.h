#pragma once
// Wireshark's decryption tables ("UAT" files) for the SAs the harness holds keys of,
// so a lab engineer opens our evidence in Wireshark (or tshark) and sees plaintext.
//
// Formats (Wireshark 4.0, the version Debian 12 ships; checked against tshark):
//   ikev2_decryption_table: SPIi,SPIr,SK_ei,SK_er,"<encryption>",SK_ai,SK_ar,"<integrity>"
//     hex fields are NOT quoted (quoted SPIs are rejected as "must be 8 octets"),
//     algorithm names are quoted; for AEAD the SK_a fields are empty and the
//     integrity algorithm is "NONE [RFC4306]". SK_e includes the AEAD salt.
//   esp_sa: "IPv4","src","dst","0xSPI","<encryption>","0x<key>","<authentication>","0x<key>"
//     every field quoted; one line per direction.
// Writing these files is key export: the caller decides (explicit opt-in), this code
// only formats.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/ike/transform_ids.h"

namespace hnbsec::pcap {

using Octets = std::vector<std::uint8_t>;

struct IkeSaSecrets {
    std::array<std::uint8_t, 8> spi_i{};
    std::array<std::uint8_t, 8> spi_r{};
    ike::EncrId encr = ike::EncrId::kAesCbc;
    std::uint16_t encr_key_bits = 128;  // without the AEAD salt
    ike::IntegId integ = ike::IntegId::kHmacSha2_256_128;
    Octets sk_ei, sk_er;  // with the 4-byte salt for AES-GCM
    Octets sk_ai, sk_ar;  // empty for AEAD
};

struct EspSaSecrets {
    bool ipv6 = false;
    std::string source;       // outer addresses of this direction, as text
    std::string destination;  // (the tunnel endpoints, not the inner addresses)
    std::uint32_t spi = 0;
    ike::EncrId encr = ike::EncrId::kAesCbc;
    std::uint16_t encr_key_bits = 128;
    ike::IntegId integ = ike::IntegId::kHmacSha2_256_128;
    Octets encryption_key;  // with the 4-byte salt for AES-GCM (RFC 4106)
    Octets integrity_key;   // empty for AEAD
};

// One line of each table, without the newline. Fails for an algorithm Wireshark
// cannot decrypt, naming it.
Result<std::string> ikev2_decryption_table_line(const IkeSaSecrets& sa);
Result<std::string> esp_sa_line(const EspSaSecrets& sa);

// Whole files: one line per SA, newline-terminated.
Result<std::string> ikev2_decryption_table(const std::vector<IkeSaSecrets>& sas);
Result<std::string> esp_sa_table(const std::vector<EspSaSecrets>& sas);

}  // namespace hnbsec::pcap
