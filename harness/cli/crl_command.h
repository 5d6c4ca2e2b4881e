#pragma once
// `hnbsec crl` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_crl_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
