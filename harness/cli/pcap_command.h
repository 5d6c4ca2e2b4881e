#pragma once
// `hnbsec pcap` (being written).

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_pcap_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
