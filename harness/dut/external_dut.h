#pragma once
// Real hardware on a lab interface. The harness cannot touch it: every action is the
// profile's hook ([pixit.hooks], hook_runner.h) or, when the hook is not set, the
// operator at the terminal (operator_prompt.h). Defect switches do not exist on real
// devices (kUnsupported). start()/stop() are no-ops: the lab powers and cables the device.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "harness/dut/dut_adapter.h"
#include "harness/dut/operator_prompt.h"
#include "harness/profile/profile.h"

namespace hnbsec::dut {

struct ExternalDutOptions {
    std::filesystem::path evidence_dir;  // hook-<action>-<n>.log files go here
    OperatorConsole console;
};

class ExternalDut final : public DutAdapter {
public:
    ExternalDut(const profile::Profile& profile, ExternalDutOptions options);

    std::string_view kind() const override { return "external"; }
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
    std::vector<EvidenceFile> evidence() const override { return evidence_; }

private:
    // The hook when the profile sets one, else the operator prompt with `instruction`.
    Result<ActionResult> act(std::string_view action, const std::optional<std::string>& hook,
                             std::string_view instruction);

    profile::Hooks hooks_;
    std::string interface_;
    std::string outer_address_;
    ExternalDutOptions options_;
    std::vector<EvidenceFile> evidence_;
};

}  // namespace hnbsec::dut
