#include "harness/dut/external_dut.h"

#include "harness/dut/hook_runner.h"

namespace hnbsec::dut {

ExternalDut::ExternalDut(const profile::Profile& profile, ExternalDutOptions options)
    : hooks_(profile.pixit.hooks),
      interface_(profile.dut.interface.value_or("")),
      outer_address_(profile.dut.outer_address ? profile.dut.outer_address->text : ""),
      options_(std::move(options)) {}

Result<ActionResult> ExternalDut::start() {
    return ActionResult::done("external DUT: the lab powers it; it is expected on interface " + interface_);
}

Status ExternalDut::stop() {
    return Ok{};
}

Result<ActionResult> ExternalDut::act(std::string_view action, const std::optional<std::string>& hook,
                                      std::string_view instruction) {
    if (!hook) return prompt_operator(options_.console, instruction);
    const auto n = evidence_.size() + 1;
    HookRun run{action, *hook, hooks_.timeout,
                options_.evidence_dir / ("hook-" + std::string(action) + "-" + std::to_string(n) + ".log")};
    evidence_.push_back({"hook " + std::string(action), run.evidence});
    return run_hook(run);
}

Result<ActionResult> ExternalDut::power_cycle() {
    return act("power_cycle", hooks_.power_cycle, "Power the DUT off and on again");
}
Result<ActionResult> ExternalDut::hpm_remove() {
    return act("hpm_remove", hooks_.hpm_remove, "Remove the HPM from the DUT");
}
Result<ActionResult> ExternalDut::hpm_insert() {
    return act("hpm_insert", hooks_.hpm_insert, "Insert the HPM into the DUT");
}
Result<ActionResult> ExternalDut::factory_reset() {
    return act("factory_reset", hooks_.factory_reset, "Restore the DUT's factory settings");
}
Result<ActionResult> ExternalDut::load_tampered_image() {
    return act("load_tampered_image", hooks_.load_tampered_image,
               "Install the tampered firmware image on the DUT and boot it");
}

Result<ActionResult> ExternalDut::wait_ready(std::chrono::milliseconds /*timeout*/) {
    return ActionResult::unsupported("real hardware does not report readiness; watch the SeGW's events");
}

Result<ActionResult> ExternalDut::set_defect(std::string_view name) {
    return ActionResult::unsupported("defect '" + std::string(name) + "' exists on the emulated DUT only");
}
Result<ActionResult> ExternalDut::clear_defect(std::string_view name) {
    return ActionResult::unsupported("defect '" + std::string(name) + "' exists on the emulated DUT only");
}

DutTraffic ExternalDut::traffic() const {
    return DutTraffic{std::nullopt, interface_, outer_address_};
}

}  // namespace hnbsec::dut
