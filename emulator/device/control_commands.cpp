#include "emulator/device/control_commands.h"

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "emulator/control/control_command.h"

namespace hnbsec::emulator {
namespace {

using control::CommandKind;
using control::err_reply;
using control::ok_reply;

// `wait` looks at the stop flag this often, so a shutdown never waits for a long TIMEOUT_MS.
constexpr std::chrono::milliseconds kWaitSlice{100};

std::string joined_or_dash(const std::vector<std::string>& names) {
    return names.empty() ? std::string("-") : fmt::format("{}", fmt::join(names, ","));
}

std::string unknown_defect(std::string_view name) {
    std::vector<std::string_view> names;
    for (const auto& d : all_defects()) names.push_back(d.name);
    return err_reply(fmt::format("unknown defect '{}' (valid: {})", name, fmt::join(names, ", ")));
}

std::string wait_for_state(const control::ControlCommand& command, Device& device,
                           const std::atomic<bool>& stopping) {
    const auto state = device_state_from_name(command.argument);
    if (!state) {
        std::vector<std::string_view> names;
        for (const DeviceState s : all_device_states()) names.push_back(to_string(s));
        return err_reply(
            fmt::format("unknown state '{}' (valid: {})", command.argument, fmt::join(names, ", ")));
    }
    const auto deadline = std::chrono::steady_clock::now() + command.timeout;
    while (true) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (device.wait_for(*state, std::clamp(left, std::chrono::milliseconds(0), kWaitSlice)))
            return ok_reply();
        if (left <= kWaitSlice || stopping) break;
    }
    return err_reply(fmt::format("timeout (state={})", to_string(device.state())));
}

}  // namespace

std::string format_status(const DeviceStatus& status) {
    return fmt::format("power={} hpm={} state={} inner={} defects={}", status.power ? "on" : "off",
                       status.hpm_present ? "present" : "removed", to_string(status.state),
                       status.inner_address.empty() ? "-" : status.inner_address,
                       joined_or_dash(status.defects));
}

std::string execute_control_line(std::string_view line, Device& device, DefectSet& defects, ConsoleLog& log,
                                 const std::atomic<bool>& stopping) {
    auto parsed = control::parse_control_command(line);
    if (!parsed) return err_reply(parsed.error().message());
    const control::ControlCommand& command = *parsed;
    // Queries are not logged: a harness polling `status` would drown the console.
    if (command.kind != CommandKind::kStatus && command.kind != CommandKind::kDefects &&
        command.kind != CommandKind::kWait) {
        log.line("control", line);
    }
    switch (command.kind) {
        case CommandKind::kStatus:
            return ok_reply(format_status(device.status()));
        case CommandKind::kPowerOn:
            device.power_on();
            return ok_reply();
        case CommandKind::kPowerOff:
            device.power_off();
            return ok_reply();
        case CommandKind::kReboot:
            device.reboot();
            return ok_reply();
        case CommandKind::kFactoryReset:
            device.factory_reset();
            return ok_reply();
        case CommandKind::kHpmRemove:
            device.hpm_remove();
            return ok_reply();
        case CommandKind::kHpmInsert:
            device.hpm_insert();
            return ok_reply();
        case CommandKind::kDefects:
            return ok_reply(joined_or_dash(defects.names()));
        case CommandKind::kDefectSet:
        case CommandKind::kDefectClear: {
            const auto defect = defect_from_name(command.argument);
            if (!defect) return unknown_defect(command.argument);
            const bool set = command.kind == CommandKind::kDefectSet;
            if (set) {
                defects.set(*defect);
            } else {
                defects.clear(*defect);
            }
            log.line("defect", fmt::format("{} {} ({})", set ? "set" : "cleared", info(*defect).name,
                                           info(*defect).requirement));
            return ok_reply();
        }
        case CommandKind::kDefectClearAll:
            defects.clear_all();
            log.line("defect", "cleared all");
            return ok_reply();
        case CommandKind::kWait:
            return wait_for_state(command, device, stopping);
        case CommandKind::kQuit:
            return ok_reply("bye");  // the server closes the connection
    }
    return err_reply("unhandled command");
}

}  // namespace hnbsec::emulator
