#pragma once
// How a subcommand plugs into the hnbsec command line: it registers its options on
// a CLI11 app and, when selected, leaves the action to run after parsing, so
// parsing never does work and every action returns an exit code.

#include <functional>

#include <CLI/CLI.hpp>

namespace hnbsec::cli {

// Exit codes shared by every subcommand (documented in `hnbsec --help`).
enum ExitCode : int {
    kExitOk = 0,
    kExitFailure = 1,  // the command ran and found problems or failed
    kExitUsage = 2,    // wrong flags or arguments
};

// The action the selected subcommand leaves behind; returns an ExitCode.
using Action = std::function<int()>;

}  // namespace hnbsec::cli
