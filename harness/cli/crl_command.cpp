#include "harness/cli/crl_command.h"

#include <memory>

#include "harness/cli/ocsp_command.h"

namespace hnbsec::cli {

void register_crl_command(CLI::App& app, Action& action) {
    auto options = std::make_shared<RevocationServerOptions>();
    options->ocsp = false;
    auto* crl = app.add_subcommand(
        "crl", "Bring-up mode: serve the PKI's CRLs over HTTP until interrupted, printing every request");
    add_revocation_server_options(*crl, *options);
    crl->final_callback(
        [&action, options] { action = [options] { return run_revocation_server(*options, "crl"); }; });
}

}  // namespace hnbsec::cli
