#pragma once
// `hnbsec hems` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_hems_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
