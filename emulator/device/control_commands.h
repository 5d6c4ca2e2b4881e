#pragma once
// What each control channel command does to the device (emulator/README.md, "Control
// channel"): the handler the ControlServer calls for every line but `quit`.

#include <atomic>
#include <string>
#include <string_view>

#include "emulator/defects/defect.h"
#include "emulator/device/device.h"
#include "emulator/log/console_log.h"

namespace hnbsec::emulator {

// Parses and carries out one command line; returns its reply line (`ok ...` / `err ...`).
// `wait` blocks until the state, its timeout, or `stopping`.
std::string execute_control_line(std::string_view line, Device& device, DefectSet& defects, ConsoleLog& log,
                                 const std::atomic<bool>& stopping);

// `power=on hpm=present state=in-service inner=10.78.1.2 defects=-`
std::string format_status(const DeviceStatus& status);

}  // namespace hnbsec::emulator
