#pragma once
// `hnbsec profile check FILE`: loads a lab profile and reports every problem at once.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_profile_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
