#pragma once
// The keys the dissector decrypts with, read back from Wireshark's decryption tables
// (the UAT files `hnbsec segw --keys-out DIR` writes with pcap/keys/wireshark_uat.h)
// or taken from an IKE SA in memory.
//   ikev2_decryption_table: SPIi,SPIr,SK_ei,SK_er,"<encryption>",SK_ai,SK_ar,"<integrity>"
//   esp_sa: "IPv4","src","dst","0xSPI","<encryption>","0x<key>","<authentication>","0x<key>"
// Lines that are empty or start with '#' are skipped; any other line that does not
// parse is an error naming the file's line and field.

#include <cstdint>
#include <filesystem>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "pcap/keys/wireshark_uat.h"
#include "proto/ike/crypto/key_schedule.h"
#include "proto/ike/crypto/suite.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::pcap {

// What SK/SKF decryption of one IKE SA needs (RFC 7296 §3.14): the suite's encryption
// and integrity transforms and SK_e*/SK_a* of both directions.
struct IkeDecryptionKey {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    ike::Suite suite;
    ike::IkeSaKeys keys;  // only sk_ei, sk_er, sk_ai, sk_ar are used
};

IkeDecryptionKey ike_decryption_key(const ike::IkeSaKeyExport& exported);

struct DecryptionKeys {
    std::vector<IkeDecryptionKey> ike;
    std::vector<EspSaSecrets> esp;
};

Result<std::vector<IkeDecryptionKey>> parse_ikev2_decryption_table(std::string_view text);
Result<std::vector<EspSaSecrets>> parse_esp_sa_table(std::string_view text);

// <dir>/ikev2_decryption_table and <dir>/esp_sa; a missing file means no keys of that
// kind, a missing directory is an error.
Result<DecryptionKeys> load_decryption_keys(const std::filesystem::path& dir);

}  // namespace hnbsec::pcap
