#pragma once
// The control channel's line protocol (emulator/README.md, "Control channel"): one command
// per line, one reply line per command, `ok[ <text>]` or `err <reason>`. Parsing is total:
// any input, however long or binary, yields a command or an error that says what is wrong.

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator::control {

// A longer line is refused as a whole (the server discards it up to its newline).
inline constexpr std::size_t kMaxLineLength = 1024;
// `wait` accepts at most this timeout, so a connection cannot be parked forever.
inline constexpr std::chrono::milliseconds kMaxWaitTimeout{3'600'000};

enum class CommandKind {
    kStatus,
    kPowerOn,
    kPowerOff,
    kReboot,
    kFactoryReset,
    kHpmRemove,
    kHpmInsert,
    kDefectSet,    // argument: defect name
    kDefectClear,  // argument: defect name
    kDefectClearAll,
    kDefects,
    kWait,  // argument: state name; timeout
    kQuit,
};

struct ControlCommand {
    CommandKind kind = CommandKind::kStatus;
    std::string argument;  // defect or state name, as given (checked by whoever acts on it)
    std::chrono::milliseconds timeout{0};

    bool operator==(const ControlCommand&) const = default;
};

// One line without its newline (a trailing CR is tolerated); words separated by spaces.
Result<ControlCommand> parse_control_command(std::string_view line);

std::string ok_reply(std::string_view text = {});
std::string err_reply(std::string_view reason);

}  // namespace hnbsec::emulator::control
