#pragma once
// Runs one of the profile's [pixit.hooks] commands for a real DUT: `/bin/sh -c <hook>` in
// a process group of its own, stdin from /dev/null, stdout and stderr kept in an evidence
// file. Exit 0 is done; another exit status is an Error naming the hook (the lab's own
// tooling failed, not the DUT); the timeout is inconclusive and kills the whole group,
// since a power switch that does not answer says nothing about the device.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"
#include "harness/dut/dut_adapter.h"

namespace hnbsec::dut {

struct HookRun {
    std::string_view name;  // "power_cycle", as the profile key
    std::string command;    // shell text, ${profile_dir} already expanded by the loader
    std::chrono::seconds timeout{120};
    std::filesystem::path evidence;  // created (0600), or appended to
};

Result<ActionResult> run_hook(const HookRun& hook);

}  // namespace hnbsec::dut
