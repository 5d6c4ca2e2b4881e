#pragma once
// `hnbsec ntp`: bring-up mode for the time server. Serves NTP on the given listeners
// with the given knobs until SIGINT/SIGTERM and prints every request as one line, so
// a lab can see whether a device asks for time inside ESP or in clear.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_ntp_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
