#pragma once
// Turns a campaign (lab profile + test PKI manifest) into what the SeGW runs with:
// the IKE SA configuration of the responder (its certificate chain and key, the device
// trust anchors and CRLs, the identity it expects, proposals, traffic selectors, the
// inner address pool) and the address it listens on.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/profile/profile.h"
#include "harness/roles/ocsp/knobs.h"
#include "harness/roles/segw/address_pool.h"
#include "harness/roles/segw/device_ocsp_check.h"
#include "proto/ike/sa/config.h"

namespace hnbsec::segw {

// Which revocation checks the SeGW runs on device certificates (HNB-REQ-REV-001: CRLs or
// OCSP, the operator's choice). How CRL and OCSP combine: peer_certificate_check.h.
enum class DeviceRevocation { kCrl, kOcsp, kCrlAndOcsp, kNone };
std::string_view to_string(DeviceRevocation revocation);                  // "crl+ocsp"
Result<DeviceRevocation> parse_device_revocation(std::string_view text);  // crl|ocsp|crl+ocsp|none

struct SegwOptions {
    std::optional<std::string> listen_address;  // default: pixit.segw_address, else 127.0.0.1
    std::string certificate = "segw";           // manifest name: "segw", "segw-ec", or any segw variant
    bool expect_profile_identity = true;        // IDi must equal dut.identity (external/emulated DUTs)
    // Answer CERTREQ(OCSP Content) with our certificate's status from the harness's OCSP
    // responder (RFC 4806 §3.2); off: the device must find the status itself.
    bool ocsp_staple = true;
    ocsp::Knobs staple_knobs;  // how the staple is made (signer, staleness ...): a test knob
    // Default: crl+ocsp when the profile names an OCSP responder (pixit.ocsp_url), else crl.
    // The OCSP URL is pixit.ocsp_url when set (it wins over the certificate's AIA: the
    // operator knows which responder the SeGW reaches), else the device certificate's AIA.
    std::optional<DeviceRevocation> device_revocation;
    TcpConnector ocsp_connector;  // opens the OCSP client's connections (lab: in its namespace)
    std::chrono::milliseconds ocsp_timeout{2000};
};

struct SegwSetup {
    ike::IkeSaConfig config;
    std::string listen_address;
    std::shared_ptr<Ipv4AddressPool> pool;
    std::string summary;                                          // one line for the bring-up banner
    DeviceRevocation device_revocation = DeviceRevocation::kCrl;  // what is in force
    std::shared_ptr<DeviceOcspChecker> device_ocsp;  // null without OCSP; the service reports its outcomes
};

// Default proposals: what TS 33.210 Rel-15+ profiles and strongSwan's defaults have in
// common (AES-CBC/GCM, SHA-2, MODP-2048, ECP-256/384, Curve25519).
std::vector<std::string> default_ike_proposals();
std::vector<std::string> default_esp_proposals();

Result<SegwSetup> segw_setup(const profile::Profile& profile, const pki::Manifest& manifest,
                             const SegwOptions& options);

}  // namespace hnbsec::segw
