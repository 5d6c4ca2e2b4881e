#include "harness/cli/crl_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_crl_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
