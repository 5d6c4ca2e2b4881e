#pragma once
// Turns a campaign (lab profile + test PKI manifest) into what the SeGW runs with:
// the IKE SA configuration of the responder (its certificate chain and key, the device
// trust anchors and CRLs, the identity it expects, proposals, traffic selectors, the
// inner address pool) and the address it listens on.

#include <memory>
#include <optional>
#include <string>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/profile/profile.h"
#include "harness/roles/segw/address_pool.h"
#include "proto/ike/sa/config.h"

namespace hnbsec::segw {

struct SegwOptions {
    std::optional<std::string> listen_address;  // default: pixit.segw_address, else 127.0.0.1
    std::string certificate = "segw";           // manifest name: "segw", "segw-ec", or any segw variant
    bool expect_profile_identity = true;        // IDi must equal dut.identity (external/emulated DUTs)
    // Answer CERTREQ(OCSP Content) with our certificate's status from the harness's OCSP
    // responder (RFC 4806 §3.2); off: the device must find the status itself.
    bool ocsp_staple = true;
};

struct SegwSetup {
    ike::IkeSaConfig config;
    std::string listen_address;
    std::shared_ptr<Ipv4AddressPool> pool;
    std::string summary;  // one line for the bring-up banner
};

// Default proposals: what TS 33.210 Rel-15+ profiles and strongSwan's defaults have in
// common (AES-CBC/GCM, SHA-2, MODP-2048, ECP-256/384, Curve25519).
std::vector<std::string> default_ike_proposals();
std::vector<std::string> default_esp_proposals();

Result<SegwSetup> segw_setup(const profile::Profile& profile, const pki::Manifest& manifest,
                             const SegwOptions& options);

}  // namespace hnbsec::segw
