#include "harness/cli/ntp_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_ntp_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
