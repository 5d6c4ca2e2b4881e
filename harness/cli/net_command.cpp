#include "harness/cli/net_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_net_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
