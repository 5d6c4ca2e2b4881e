#pragma once
// The emulated H(e)NB's configuration, read from its TOML file (README.md, "Configuration").
// Paths are absolute after loading (relative ones resolve against the file's folder).
// Nothing here is secret: the PIN is named by a file or an environment variable only.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"

namespace hnbsec::emulator {

struct DeviceSection {
    std::string identity;                  // FQDN "<EUI>.<realm>": IDi and the certificate's SAN dNSName
    std::filesystem::path state_dir;       // status, log; never key material
    std::filesystem::path control_socket;  // default: <state_dir>/control.sock
    std::optional<std::filesystem::path> log_file;  // default: <state_dir>/console.log
    // TrE integrity check: the image file and its reference value (SHA-256, hex).
    std::filesystem::path image;
    std::string image_sha256;
};

struct TokenSection {
    std::filesystem::path module;  // PKCS#11 module (SoftHSM2 by default)
    std::string key_uri;           // "pkcs11:token=...;object=...;type=private"
    std::optional<std::filesystem::path> pin_file;
    std::optional<std::string> pin_env;
    std::optional<std::filesystem::path> softhsm_conf;  // exported as SOFTHSM2_CONF
};

struct CertificatesSection {
    std::filesystem::path device_chain;   // PEM: the device certificate first, then intermediates
    std::filesystem::path trust_anchors;  // PEM: operator roots for the SeGW (and the H(e)MS by default)
};

struct SegwSection {
    std::string address;  // IPv4/IPv6 literal of the SeGW
    std::string fqdn;     // must be a dNSName of the SeGW certificate and its IDr
    std::uint16_t port = 500;
    std::vector<std::string> ike_proposals{"aes256gcm16-prfsha256-ecp256", "aes128-sha256-modp2048"};
    std::vector<std::string> esp_proposals{"aes256gcm16", "aes128-sha256"};
    std::vector<std::string> remote_networks{"0.0.0.0/0"};  // TSr
    bool ocsp_request = true;                               // CERTREQ(OCSP Content) in IKE_AUTH (RFC 4806)
    bool ocsp_required = true;  // hard-fail when the SeGW staples nothing (else soft-fail)
    std::vector<std::filesystem::path> ocsp_responders;  // PEM certs whose key hashes go in the CERTREQ
    bool force_nat_t = false;                            // pretend a NAT so both ends float to 4500
    std::chrono::milliseconds retry_base{1000};          // re-establishment back-off: base, doubling ...
    std::chrono::milliseconds retry_max{30000};          // ... up to this
    std::chrono::milliseconds ike_timeout{15000};        // IKE_SA_INIT + IKE_AUTH must finish within
};

struct TunnelSection {
    std::string interface = "henb0";  // the TUN device the device's inner traffic uses
    int mtu = 1400;
};

struct BackhaulSection {
    std::string interface;  // the device's outer interface (defects that leak traffic bind to it)
    std::string address;    // its outer address
};

struct TimeSection {
    std::string server;  // NTP server address
    std::uint16_t port = 123;
    bool inside = true;  // reached through the tunnel (after IKE), else in clear before it
    std::chrono::milliseconds timeout{3000};
};

struct HemsSection {
    std::string url;                                     // https://host:port/path
    bool inside = true;                                  // reached through the tunnel
    std::optional<std::filesystem::path> trust_anchors;  // default: [certificates] trust_anchors
    std::chrono::milliseconds timeout{10000};
};

struct BootSection {
    bool power_on = true;              // boot as soon as the process starts
    bool hpm_present = true;           // HPM inserted at start
    std::vector<std::string> defects;  // names, see --list-defects
};

struct HenbConfig {
    std::filesystem::path source;  // the file it was read from
    DeviceSection device;
    TokenSection token;
    CertificatesSection certificates;
    SegwSection segw;
    TunnelSection tunnel;
    BackhaulSection backhaul;
    std::optional<TimeSection> time;
    std::optional<HemsSection> hems;
    BootSection boot;
};

// Reads and checks a configuration file: unknown keys, missing required keys, bad values
// and unknown defect names are errors that name the key.
Result<HenbConfig> load_henb_config(const std::filesystem::path& path);

}  // namespace hnbsec::emulator
