#pragma once
// `hnbsec ocsp` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_ocsp_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
