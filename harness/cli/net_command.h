#pragma once
// `hnbsec net` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_net_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
