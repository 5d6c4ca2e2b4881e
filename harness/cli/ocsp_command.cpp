#include "harness/cli/ocsp_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_ocsp_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
