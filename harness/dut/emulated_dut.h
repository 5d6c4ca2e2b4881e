#pragma once
// The emulated H(e)NB: hnbsec-henb started by the harness inside the run's DUT namespace
// (the veth end the network plan put there), driven over its control channel the way a
// lab's hooks drive real hardware (emulator/README.md).
//
// create() writes the run folder (emulated_config.h): the config, a fresh image and its
// hash. start() launches the emulator in a process group of its own with its output in
// henb.out and waits until its control socket answers; every action is one control
// command; stop() is SIGTERM, a bounded wait, then SIGKILL: no process is left behind.
//
// The binary: $HNBSEC_HENB, else hnbsec-henb next to the running executable.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

#include "harness/dut/child_process.h"
#include "harness/dut/dut_adapter.h"
#include "harness/dut/emulated_config.h"

namespace hnbsec::dut {

struct EmulatedDutOptions {
    std::filesystem::path run_dir;                     // created if missing (0700)
    std::optional<std::filesystem::path> henb_binary;  // default: find_henb_binary()
    EmulatedConfigOptions config;
    std::chrono::milliseconds control_timeout{5000};  // one control command (besides `wait`)
    std::chrono::milliseconds start_timeout{10000};   // process start to control socket answering
    std::chrono::milliseconds stop_timeout{10000};    // SIGTERM to exit, then SIGKILL
};

// $HNBSEC_HENB, else <folder of /proc/self/exe>/hnbsec-henb; an Error saying where it looked.
Result<std::filesystem::path> find_henb_binary();

class EmulatedDut final : public DutAdapter {
public:
    // Writes the run folder; starts nothing.
    static Result<std::unique_ptr<EmulatedDut>> create(const profile::Profile& profile,
                                                       const pki::Manifest& manifest,
                                                       const net::NetworkPlan& plan,
                                                       EmulatedDutOptions options);
    ~EmulatedDut() override;
    EmulatedDut(const EmulatedDut&) = delete;
    EmulatedDut& operator=(const EmulatedDut&) = delete;

    // The rendered config, the console log, the control socket ... (for the lead's
    // integration test and for evidence).
    const EmulatedDutFiles& files() const { return files_; }

    std::string_view kind() const override { return "emulated"; }
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

    // One control command and its reply text; an `err` reply is an Error naming the command.
    Result<std::string> command(const std::string& line,
                                std::optional<std::chrono::milliseconds> timeout = {});

private:
    EmulatedDut(EmulatedDutFiles files, std::filesystem::path binary, const net::NetworkPlan& plan,
                EmulatedDutOptions options);
    Result<ActionResult> act(const std::string& line);

    EmulatedDutFiles files_;
    std::filesystem::path binary_;
    std::string ns_;
    std::string interface_;
    std::string outer_address_;
    EmulatedDutOptions options_;
    std::optional<ChildProcess> process_;
};

}  // namespace hnbsec::dut
