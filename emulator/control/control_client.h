#pragma once
// The client side of hnbsec-henb's control channel (emulator/README.md), for the harness's
// `emulated` DUT adapter and for tests: one command line, one reply line. Depends on
// hnbsec_core only, so harness code can link it without the emulator.

#include <chrono>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator::control {

// Connects to `socket`, sends `line` (no newline in it), reads the reply line.
// `ok[ <text>]` -> the text (empty for a bare `ok`); `err <reason>` -> an Error quoting the
// command and the reason; no reply within `timeout` -> an Error. For `wait STATE MS` give a
// `timeout` longer than MS.
Result<std::string> control_request(const std::filesystem::path& socket, std::string_view line,
                                    std::chrono::milliseconds timeout);

}  // namespace hnbsec::emulator::control
