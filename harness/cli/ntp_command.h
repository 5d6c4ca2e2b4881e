#pragma once
// `hnbsec ntp` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_ntp_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
