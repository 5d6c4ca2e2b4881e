#pragma once
// What the emulated DUT adapter writes before it starts hnbsec-henb: the emulator's TOML
// configuration (emulator/README.md, "Configuration") and its firmware image, derived from
// the profile, the PKI manifest and the run's network plan. Pure rendering is separate
// from writing, so the rendering is unit-tested without a PKI on disk.
//
// Every path in the file is absolute: the emulator resolves relative ones against the
// file's folder, the profile against the working directory.

#include <cstddef>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/net/network_plan.h"
#include "harness/profile/profile.h"

namespace hnbsec::dut {

// The files of one emulated DUT, all inside its run folder.
struct EmulatedDutFiles {
    std::filesystem::path run_dir;
    std::filesystem::path config;          // henb.toml
    std::filesystem::path state_dir;       // state/ (the emulator's; never key material)
    std::filesystem::path control_socket;  // state/control.sock
    std::filesystem::path console_log;     // state/console.log (the emulator's timestamped log)
    std::filesystem::path output;          // henb.out (its stdout and stderr)
    std::filesystem::path image;           // image.bin, the "firmware" the TrE hashes
};
EmulatedDutFiles emulated_dut_files(const std::filesystem::path& run_dir);

struct EmulatedConfigOptions {
    std::string device = "device";  // manifest name of the device certificate (key on the token)
    std::string trust_bundle = "operator-trust";
    std::string ocsp_responder = "ocsp-signer";
    // Override where the emulator finds the token PIN (default: [hsm] pin_file / pin_env of
    // the profile, else <softhsm_dir>/user.pin that `hnbsec pki init` generated).
    std::optional<std::filesystem::path> pin_file;
    std::optional<std::string> pin_env;
    // Defect switches set from power-on ([boot] defects; names from hnbsec-henb --list-defects).
    std::vector<std::string> defects;
    // Both ends float to UDP 4500 from IKE_AUTH on (RFC 7296 §2.23): ESP can only travel in
    // UDP here (userspace ESP, no kernel ESP), as charon's `encap = yes` does.
    bool force_nat_t = true;
    // The device's policy when it asked for a stapled OCSP answer and got none (REV-008,
    // operator policy): unset = hard-fail when the profile declares P.OCSP_INBAND.
    std::optional<bool> ocsp_required;
    // Whether the device asks for a stapled OCSP answer (unset: when P.OCSP_INBAND).
    std::optional<bool> ocsp_request;
};

// The TOML text. Fails when the manifest lacks an entry the emulator needs, or the device
// key is not on a token.
Result<std::string> render_henb_config(const profile::Profile& profile, const pki::Manifest& manifest,
                                       const net::NetworkPlan& plan, const EmulatedDutFiles& files,
                                       const std::string& image_sha256, const EmulatedConfigOptions& options);

inline constexpr std::size_t kImageSize = 4096;

// Writes a fresh image of pseudo-random bytes; returns its SHA-256 (lowercase hex).
Result<std::string> write_image(const std::filesystem::path& image, std::size_t size = kImageSize);
// Flips one byte of the image in place (its reference value in the config stays the same,
// so the TrE's integrity check fails, TS 33.320 clause 6.1).
Status tamper_image(const std::filesystem::path& image);
// SHA-256 of a file, lowercase hex.
Result<std::string> file_sha256(const std::filesystem::path& file);

}  // namespace hnbsec::dut
