#pragma once
// `hnbsec ocsp`: bring-up mode for the revocation services. Runs the OCSP responder and
// the CRL distribution point on one HTTP listener until SIGINT/SIGTERM, printing one
// line per request. `hnbsec crl` (crl_command.h) runs the CRL part alone.

#include <string>
#include <vector>

#include "harness/cli/command.h"

namespace hnbsec::cli {

void register_ocsp_command(CLI::App& app, Action& action);

// What both commands take; shared so `hnbsec crl` is the same server without OCSP.
struct RevocationServerOptions {
    std::string profile;
    std::string pki;
    std::string listen;              // "ADDR:PORT"; empty: from pixit.ocsp_url (or crl_url)
    std::vector<std::string> knobs;  // OCSP knob settings ("stale", "nonce=wrong")
    std::string crl_variant = "current";
    std::string label = "public";  // transport label in the events
    bool control_stdin = false;    // read "knobs ..." / "crl ..." lines from stdin
    bool ocsp = true;              // false: CRLs only
};

int run_revocation_server(const RevocationServerOptions& options, const std::string& command);

// Adds the options both commands share.
void add_revocation_server_options(CLI::App& command, RevocationServerOptions& options);

}  // namespace hnbsec::cli
