#pragma once
// Writes Wireshark's decryption tables (ikev2_decryption_table, esp_sa) for the IKE SAs
// an endpoint of ours holds (the SeGW's responder, an initiator), with mode 0600: the
// files hold session keys, and writing them is the caller's explicit opt-in.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "pcap/keys/wireshark_uat.h"
#include "proto/ike/sa/ike_sa.h"

namespace hnbsec::pcap {

// The table rows of one SA: its IKE keys (once IKE_SA_INIT is done) and both directions
// of each Child SA, between the SA's outer endpoints.
struct SaSecrets {
    std::vector<IkeSaSecrets> ike;
    std::vector<EspSaSecrets> esp;
};
SaSecrets secrets_of(const ike::IkeSa& sa);

// Writes `text` to `path` readable by its owner only (mode 0600), through a temporary
// file renamed over the old one: a reader never sees half a table.
Status write_secret_file(const std::filesystem::path& path, const std::string& text);

// Replaces <dir>/ikev2_decryption_table and <dir>/esp_sa with the rows of `sas`.
Status export_wireshark_keys(const std::vector<const ike::IkeSa*>& sas, const std::filesystem::path& dir);

}  // namespace hnbsec::pcap
