#pragma once
// Builds a campaign's test PKI from its lab profile: the device keys are
// generated on the PKCS#11 token (token_setup.h), everything else in files
// (fixtures/pki). This is the "PKI material, tokens" step of building the lab,
// shared by `hnbsec pki init` and, later, the runner.

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/profile/profile.h"
#include "hsm/pin.h"

namespace hnbsec::lab {

struct PkiSetupRequest {
    const profile::Profile* profile = nullptr;
    std::optional<std::filesystem::path> out_dir;  // overrides [pki] dir
    std::optional<std::string> token_label;        // overrides [hsm] token_label
    std::optional<hsm::PinSource> pin;             // overrides [hsm] pin_file / pin_env
    bool force = false;                            // replace an existing PKI (and its SoftHSM2 store)
};

struct PkiSetupResult {
    pki::Manifest manifest;
    std::filesystem::path dir;
    std::string token_label;
    std::string pin_origin;
    std::optional<std::filesystem::path> softhsm_dir;
};

Result<PkiSetupResult> set_up_pki(const PkiSetupRequest& request);

}  // namespace hnbsec::lab
