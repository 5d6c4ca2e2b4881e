#pragma once
// Builds the H(e)MS configuration from the test PKI and the test knobs: which certificate
// the H(e)MS presents (any PKI variant by manifest name: hems, hems-ec, hems-expired,
// hems-wrong-host, hems-untrusted ...), the device trust bundle client certificates must
// chain to, the TLS versions and suites, and the session knobs.

#include <optional>
#include <string>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/profile/profile.h"
#include "harness/roles/hems/hems_service.h"

namespace hnbsec::hems {

struct HemsKnobs {
    std::string certificate = "hems";  // manifest name of the server certificate
    std::string listener = "public";   // or "inside_tunnel"
    bool use_tls = true;
    tls::ClientAuth client_auth = tls::ClientAuth::kRequire;
    std::optional<tls::Version> min_version;  // default: from the profile's release
    std::optional<tls::Version> max_version;
    std::string cipher_list;   // default: the TS 33.210 §6.2 TLS 1.2 AEAD suites
    std::string ciphersuites;  // default: OpenSSL's TLS 1.3 suites
    bool crl_check = false;    // check device certificates against the vendor CRLs
    SessionKnobs session;
};

// TS 33.210 §6.2 (Rel-15+): ECDHE with AES-GCM only (mandatory AES-128-GCM, recommended AES-256-GCM).
inline constexpr const char* kRel15Tls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384";

// Rel-15+: TLS 1.2..1.3; Rel-9: TS 33.310 Annex E allows TLS 1.1 as the floor (K, see requirements §4.6).
tls::Version default_min_version(profile::Release release);

Result<HemsConfig> hems_setup(const pki::Manifest& manifest, profile::Release release,
                              const HemsKnobs& knobs);

}  // namespace hnbsec::hems
