#pragma once
// The lab profile: one TOML file that describes a test campaign: which DUT,
// what it declares (PICS), how to reach and drive it (PIXIT), where the PKI and
// the token live. Plain typed values; load.h produces them, docs/profile.md
// documents every key.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/profile/address.h"
#include "harness/profile/pics.h"
#include "harness/profile/url.h"

namespace hnbsec::profile {

// The TS 33.210 / TS 33.310 profile pinned for algorithm and TLS checks.
enum class Release { kRel9, kRel15 };

enum class DutKind {
    kEmulated,    // the H(e)NB emulator embedded in hnbsec
    kExternal,    // real hardware on a lab interface
    kStrongswan,  // a strongSwan charon the harness runs as a reference initiator
};

enum class KeyFlavour { kRsa2048, kP256 };

std::string_view to_string(Release release);
std::string_view to_string(DutKind kind);
std::string_view to_string(KeyFlavour flavour);

struct Campaign {
    std::string name;  // default: the profile file name without extension
    Release release = Release::kRel15;
};

struct Dut {
    DutKind kind = DutKind::kEmulated;
    std::string eui;                         // 12 or 16 hex digits, as written
    std::string realm;                       // DNS realm, e.g. "hnb.lab.test"
    std::string identity;                    // "<eui>.<realm>": SAN dNSName / IDi FQDN (TS 33.320 clause 7.2)
    std::optional<IpAddress> outer_address;  // required for kExternal
    std::optional<std::string> interface;    // required for kExternal
    std::optional<std::string> hp_nai;       // required with P.HPAUTH
};

// Commands run through /bin/sh -c to drive real hardware, a leading
// ${profile_dir} already expanded. Absent means the harness prompts the
// operator to do the step by hand.
struct Hooks {
    std::optional<std::string> power_cycle;
    std::optional<std::string> hpm_remove;
    std::optional<std::string> hpm_insert;
    std::optional<std::string> factory_reset;
    std::optional<std::string> load_tampered_image;
    std::chrono::seconds timeout{120};
};

struct Pixit {
    std::string segw_fqdn;
    std::optional<IpAddress> segw_address;  // required for kExternal
    IpPrefix inner_pool;                    // inner addresses the SeGW assigns (CP)
    IpPrefix core_network;                  // what lies behind the SeGW (TSr)
    std::optional<Url> hems_initial_url;
    std::optional<Url> hems_serving_url;
    std::optional<std::string> time_server_inner;  // IP literal or DNS name
    std::optional<std::string> time_server_outer;
    std::optional<Url> ocsp_url;  // harness OCSP responder named in AIA
    std::optional<Url> crl_url;   // harness CRL named in CDP
    std::vector<std::string> trust_anchors{"operator-root-ca"};
    std::chrono::seconds max_boot_to_ike{300};
    std::chrono::seconds max_hpm_reaction{30};
    Hooks hooks;
};

struct Pki {
    std::filesystem::path dir{"hnbsec-out/pki"};
    std::vector<KeyFlavour> flavours;  // default: rsa2048, plus p256 when P.ECDSA
    int validity_days = 365;
    bool segw_key_on_token = false;
};

inline constexpr std::string_view kSoftHsmModule = "/usr/lib/softhsm/libsofthsm2.so";

struct Hsm {
    std::filesystem::path module{kSoftHsmModule};
    std::string token_label{"hnbsec-device"};
    std::optional<std::filesystem::path> softhsm_dir;  // default "hnbsec-out/token" with SoftHSM2
    // At most one is set. Neither: `hnbsec pki init` generates a random PIN into
    // <softhsm_dir>/user.pin (mode 0600) and records it in the manifest.
    std::optional<std::filesystem::path> pin_file;
    std::optional<std::string> pin_env;
};

// The wire evidence of every test case: a capture of the DUT-facing link.
struct Capture {
    std::string filter;  // BPF; empty: everything on the link
    int snap_length = 262144;
    bool export_keys = false;  // opt-in: the session keys go into the evidence
};

struct Profile {
    std::filesystem::path source;  // the profile file as given
    std::string digest;            // SHA-256 of the file bytes, lowercase hex
    Campaign campaign;
    Dut dut;
    Pics pics;
    Pixit pixit;
    Pki pki;
    Hsm hsm;
    Capture capture;
};

}  // namespace hnbsec::profile
