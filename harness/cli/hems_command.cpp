#include "harness/cli/hems_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_hems_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
