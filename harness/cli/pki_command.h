#pragma once
// `hnbsec pki init` and `hnbsec pki show`: the campaign's test PKI.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_pki_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
