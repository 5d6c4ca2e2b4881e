#pragma once
// Picks the adapter for profile.dut.kind and prepares it (run folder, configs); nothing
// is started until the caller's start().

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "fixtures/pki/manifest.h"
#include "harness/dut/dut_adapter.h"
#include "harness/dut/operator_prompt.h"
#include "harness/net/network_plan.h"
#include "harness/profile/profile.h"

namespace hnbsec::dut {

struct DutContext {
    const pki::Manifest* manifest = nullptr;           // emulated, strongswan
    const net::NetworkPlan* plan = nullptr;            // emulated, strongswan (the DUT namespace)
    std::filesystem::path run_dir;                     // the adapter's folder: configs, logs, hook output
    OperatorConsole console;                           // external: prompts when a hook is missing
    std::optional<std::filesystem::path> henb_binary;  // emulated: default find_henb_binary()
    std::vector<std::string> defects;                  // emulated: switched on from boot
};

Result<std::unique_ptr<DutAdapter>> make_dut_adapter(const profile::Profile& profile,
                                                     const DutContext& context);

}  // namespace hnbsec::dut
