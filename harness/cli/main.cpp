// hnbsec: the command line of the TS 33.320 H(e)NB security conformance suite.
// Each subcommand lives in its own file; this file only assembles them and turns
// parse errors into a short message and exit code 2.

#include <iostream>

#include "harness/cli/bench_command.h"
#include "harness/cli/command.h"
#include "harness/cli/crl_command.h"
#include "harness/cli/hems_command.h"
#include "harness/cli/lab_command.h"
#include "harness/cli/net_command.h"
#include "harness/cli/ntp_command.h"
#include "harness/cli/ocsp_command.h"
#include "harness/cli/pcap_command.h"
#include "harness/cli/pki_command.h"
#include "harness/cli/profile_command.h"
#include "harness/cli/segw_command.h"
#include "harness/cli/version.h"  // generated

int main(int argc, char** argv) {
    using namespace hnbsec::cli;
    CLI::App app{
        "hnbsec - conformance test suite for H(e)NB security (3GPP TS 33.320)\n"
        "Exit codes: 0 success, 1 the command failed or found problems, 2 usage error.",
        "hnbsec"};
    app.set_version_flag("--version", std::string(kVersion));
    app.require_subcommand(1);
    app.footer("Run 'hnbsec <command> --help' for the options of a command.");

    Action action;
    register_profile_command(app, action);
    register_pki_command(app, action);
    register_segw_command(app, action);
    register_lab_command(app, action);
    register_bench_command(app, action);
    register_net_command(app, action);
    register_ntp_command(app, action);
    register_ocsp_command(app, action);
    register_crl_command(app, action);
    register_hems_command(app, action);
    register_pcap_command(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::cerr << "hnbsec: " << e.what() << "\n"
                  << "Run 'hnbsec --help' or 'hnbsec <command> --help' for usage.\n";
        return kExitUsage;
    }
    if (!action) {
        std::cerr << "hnbsec: no command given; run 'hnbsec --help'\n";
        return kExitUsage;
    }
    return action();
}
