#pragma once
// `hnbsec bench ike`: handshakes per second of our IKEv2 SA logic in-process, against
// the bound the OpenSSL primitives of a handshake allow.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_bench_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
