#pragma once
// `hnbsec net`: the lab network of a run by hand. `up` builds the namespaces, veth
// and TUN from a profile and holds them until SIGINT/SIGTERM; `sweep` removes what
// crashed runs left behind; `show` lists our namespaces and whose runs are alive.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_net_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
