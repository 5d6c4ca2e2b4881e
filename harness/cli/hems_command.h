#pragma once
// `hnbsec hems`: bring-up mode for the H(e)MS (TR-069 ACS over TLS): serve until
// SIGINT/SIGTERM, printing one line per event.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_hems_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
