#pragma once
// `hnbsec segw`: bring-up mode. Runs the SeGW until interrupted and prints every
// event as one line, so a lab can get a new device connecting before a campaign.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_segw_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
