#pragma once
// `hnbsec crl`: bring-up mode for the CRL distribution point alone (the same server as
// `hnbsec ocsp`, without the OCSP responder), listening where pixit.crl_url points.

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_crl_command(CLI::App& app, Action& action);

}  // namespace hnbsec::cli
