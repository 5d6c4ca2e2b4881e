#pragma once
// `hnbsec lab up`: builds the harness's world from the profile (namespaces, backhaul,
// core TUN) and runs every role in it until interrupted, printing each event as one line:
// the bring-up mode for a whole campaign, and the set-up the interop tests drive a
// third-party device against.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_lab_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
