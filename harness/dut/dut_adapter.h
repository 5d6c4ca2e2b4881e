#pragma once
// One interface over every kind of device under test. A test case drives the DUT only
// through it: the emulated H(e)NB (a process we start in the DUT namespace and steer over
// its control channel), real hardware (the profile's shell hooks, or an operator at the
// terminal), or strongSwan's charon configured as an H(e)NB.
//
// Every action answers with an ActionOutcome: done, not supported by this kind of DUT
// (a test case that needs it is inconclusive), or inconclusive (an operator prompt in a
// non-interactive run, a hook that timed out). A harness fault is an Error.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace hnbsec::dut {

enum class ActionOutcome { kDone, kUnsupported, kInconclusive };
std::string_view to_string(ActionOutcome outcome);

struct ActionResult {
    ActionOutcome outcome = ActionOutcome::kDone;
    std::string detail;  // what happened, for the test case's log

    static ActionResult done(std::string detail) { return {ActionOutcome::kDone, std::move(detail)}; }
    static ActionResult unsupported(std::string detail) {
        return {ActionOutcome::kUnsupported, std::move(detail)};
    }
    static ActionResult inconclusive(std::string detail) {
        return {ActionOutcome::kInconclusive, std::move(detail)};
    }
};

// Where the DUT's traffic appears to the harness.
struct DutTraffic {
    std::optional<std::string> ns;  // the DUT's namespace, when the harness made one
    std::string interface;          // the harness-side interface the DUT's packets cross
    std::string outer_address;      // the DUT's backhaul address
};

// A file the adapter keeps as evidence (the emulator's console log, charon's log).
struct EvidenceFile {
    std::string label;
    std::filesystem::path path;
};

class DutAdapter {
public:
    virtual ~DutAdapter() = default;

    virtual std::string_view kind() const = 0;  // "emulated", "external", "strongswan"

    // Bring the DUT to its powered, booting state / take it away entirely. stop() leaves no
    // process behind and is safe to call twice.
    virtual Result<ActionResult> start() = 0;
    virtual Status stop() = 0;

    virtual Result<ActionResult> power_cycle() = 0;
    virtual Result<ActionResult> hpm_remove() = 0;
    virtual Result<ActionResult> hpm_insert() = 0;
    virtual Result<ActionResult> factory_reset() = 0;
    // Installs a firmware image that fails the TrE's integrity check (TS 33.320 clause 6.1)
    // and boots it; the profile's `load_tampered_image` hook on real hardware.
    virtual Result<ActionResult> load_tampered_image() = 0;

    // Waits until the DUT is in service, where the adapter can know it (the emulator reports
    // its state; charon's initiate finishes). kUnsupported where it cannot (real hardware:
    // watch the SeGW's events instead); kInconclusive when the deadline passed first.
    virtual Result<ActionResult> wait_ready(std::chrono::milliseconds timeout) = 0;

    // Defect switches exist on the emulated DUT only (kUnsupported elsewhere).
    virtual Result<ActionResult> set_defect(std::string_view name) = 0;
    virtual Result<ActionResult> clear_defect(std::string_view name) = 0;

    virtual DutTraffic traffic() const = 0;
    virtual std::vector<EvidenceFile> evidence() const = 0;
};

}  // namespace hnbsec::dut
