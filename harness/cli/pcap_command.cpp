#include "harness/cli/pcap_command.h"

namespace hnbsec::cli {

// Placeholder until the command exists: registers nothing.
void register_pcap_command(CLI::App& /*app*/, Action& /*action*/) {}

}  // namespace hnbsec::cli
