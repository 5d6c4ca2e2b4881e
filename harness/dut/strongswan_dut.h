#pragma once
// strongSwan's charon as the device under test: an independent IKEv2 initiator configured
// from the profile as an H(e)NB (device certificate, key on the SoftHSM2 token through the
// pkcs11 plugin, the profile's trust anchors, IDi = the H(e)NB identity, a virtual IP
// through CP, remote TS = the core network), running in the run's DUT namespace with a
// private /run (strongswan_config.h).
//
// start() = charon up, `swanctl --load-all`, then `swanctl --initiate` in the background
// (a device connects on its own after power-on); wait_ready() waits for that initiate.
// power_cycle() restarts charon. HPM, factory reset, tampered images and defects do not
// exist here (kUnsupported). stop() leaves no process, no mount and nothing in the namespace.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "fixtures/pki/manifest.h"
#include "harness/dut/child_process.h"
#include "harness/dut/dut_adapter.h"
#include "harness/dut/strongswan_config.h"
#include "harness/net/network_plan.h"
#include "harness/profile/profile.h"

namespace hnbsec::dut {

struct StrongswanDutOptions {
    std::filesystem::path run_dir;  // created 0700; must not lie under /run
    std::string device = "device";  // manifest name of the device certificate (key on the token)
    std::string ike_proposals = "aes256gcm16-prfsha384-ecp384,aes128-sha256-modp2048";
    std::string esp_proposals = "aes128gcm16,aes128-sha256";
    std::optional<std::filesystem::path> pin_file;  // default: as device_pin_location() finds it
    std::optional<std::string> pin_env;
    std::filesystem::path charon_binary{kCharonBinary};
    std::string swanctl_binary = "swanctl";
    std::chrono::milliseconds start_timeout{10000};    // charon up to vici socket
    std::chrono::seconds initiate_timeout{30};         // swanctl --initiate --timeout
    std::chrono::milliseconds command_timeout{20000};  // other swanctl commands
    std::chrono::milliseconds stop_timeout{10000};     // SIGTERM to exit, then SIGKILL
};

class StrongswanDut final : public DutAdapter {
public:
    // Writes charon's folder (configs, certificates, the PIN-bearing swanctl.conf); starts nothing.
    static Result<std::unique_ptr<StrongswanDut>> create(const profile::Profile& profile,
                                                         const pki::Manifest& manifest,
                                                         const net::NetworkPlan& plan,
                                                         StrongswanDutOptions options);
    ~StrongswanDut() override;
    StrongswanDut(const StrongswanDut&) = delete;
    StrongswanDut& operator=(const StrongswanDut&) = delete;

    const CharonFiles& files() const { return files_; }
    // charon's PID while it runs.
    std::optional<pid_t> charon_pid() const;
    // `swanctl <args> --uri ...` with charon's environment; its output.
    Result<CommandResult> swanctl(std::vector<std::string> args) const;

    std::string_view kind() const override { return "strongswan"; }
    Result<ActionResult> start() override;
    Status stop() override;
    Result<ActionResult> power_cycle() override;
    Result<ActionResult> hpm_remove() override;
    Result<ActionResult> hpm_insert() override;
    Result<ActionResult> factory_reset() override;
    Result<ActionResult> load_tampered_image() override;
    Result<ActionResult> wait_ready(std::chrono::milliseconds timeout) override;
    Result<ActionResult> set_defect(std::string_view name) override;
    Result<ActionResult> clear_defect(std::string_view name) override;
    DutTraffic traffic() const override;
    std::vector<EvidenceFile> evidence() const override;

private:
    StrongswanDut(CharonFiles files, const net::NetworkPlan& plan, std::vector<std::string> environment,
                  StrongswanDutOptions options);
    Status wait_for_charon();

    CharonFiles files_;
    std::string ns_;
    std::string interface_;
    std::string outer_address_;
    std::vector<std::string> environment_;  // STRONGSWAN_CONF, SWANCTL_DIR, SOFTHSM2_CONF
    StrongswanDutOptions options_;
    std::optional<ChildProcess> charon_;
    std::optional<ChildProcess> initiate_;
};

}  // namespace hnbsec::dut
