#pragma once
// strongSwan's charon configured as an H(e)NB (TS 33.320 clause 7.2 device authentication):
// the files of one charon and how they are rendered from the profile, the PKI manifest and
// the run's network plan. The approach is LAB.md §5's, proven on this machine:
// kernel-libipsec (userspace ESP over a TUN device; the kernel has no ESP) loaded before
// kernel-netlink, `kdf` in the explicit plugin list, a private /run for the compiled-in pid
// file, the vici socket relative to charon's working directory (108-byte socket paths), the
// resolve plugin writing into our folder instead of /etc/resolv.conf.
//
// The device key stays on the token: swanctl.conf names it by module and CKA_ID, with the
// PIN; that file alone holds the PIN and is written 0600 in a 0700 folder. Logging stays
// below the level at which charon dumps keys.

#include <filesystem>
#include <string>
#include <vector>

#include "core/result.h"
#include "hsm/pin.h"

namespace hnbsec::dut {

inline constexpr std::string_view kCharonBinary = "/usr/lib/ipsec/charon";
inline constexpr std::string_view kViciUri = "unix://charon.vici";  // relative to the charon folder
inline constexpr std::string_view kConnection = "segw";
inline constexpr std::string_view kChild = "hnb";

struct CharonFiles {
    std::filesystem::path dir;  // 0700; charon's and swanctl's working directory
    std::filesystem::path strongswan_conf;
    std::filesystem::path swanctl_dir;   // SWANCTL_DIR: swanctl.conf (0600), x509/, x509ca/ ...
    std::filesystem::path run_dir;       // bound over /run for this charon only
    std::filesystem::path pid_file;      // run/charon.pid
    std::filesystem::path vici_socket;   // charon.vici
    std::filesystem::path log;           // charon.log (filelog)
    std::filesystem::path output;        // charon.out (its stdout/stderr)
    std::filesystem::path initiate_log;  // swanctl --initiate's output
    std::filesystem::path resolv_conf;
};
CharonFiles charon_files(const std::filesystem::path& dir);

struct CharonSettings {
    std::filesystem::path pkcs11_module;
    std::chrono::milliseconds retransmit_timeout{1000};
    int retransmit_tries = 3;
};
Result<std::string> render_strongswan_conf(const CharonFiles& files, const CharonSettings& settings);

struct HnbConnection {
    std::string local_address;  // the DUT's backhaul address
    std::string segw_address;
    std::string identity;       // IDi: "<eui>.<realm>"
    std::string segw_fqdn;      // IDr expected
    std::string remote_ts;      // the core network
    std::string ike_proposals;  // strongSwan syntax, comma-separated
    std::string esp_proposals;
    std::string certificate;  // file name in swanctl/x509/
    std::string key_id_hex;   // CKA_ID of the device key on the token
};
// The document holds the PIN: write it with write_private_file() and wipe the string.
Result<std::string> render_swanctl_conf(const HnbConnection& connection, const hsm::Pin& pin);

// Creates (or truncates) `path` with mode 0600 from the first byte on.
Status write_private_file(const std::filesystem::path& path, std::string_view text);

// Splits a PEM bundle into its certificates (each with BEGIN/END lines).
std::vector<std::string> split_pem_certificates(std::string_view pem);

}  // namespace hnbsec::dut
