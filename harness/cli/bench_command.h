#pragma once
// `hnbsec bench ike`: handshakes per second of our IKEv2 SA logic in-process, against
// the bound the OpenSSL primitives of a handshake allow.
// `hnbsec bench esp`: ESP encrypt + decrypt throughput of one SA pair, against OpenSSL's
// raw EVP speed for the same transform.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_bench_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
