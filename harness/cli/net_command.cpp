#include "harness/cli/net_command.h"

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include <signal.h>

#include "harness/cli/profile_loading.h"
#include "harness/net/lab_network.h"
#include "harness/net/network_plan.h"
#include "harness/net/sweep.h"

namespace hnbsec::cli {
namespace {

struct NetUpOptions {
    std::string profile;
    std::string run_id;
};

void print_sweep(const net::SweepReport& report) {
    for (const auto& r : report.removed) std::cout << "removed " << r << "\n";
    for (const auto& f : report.failures) std::cerr << "hnbsec net: could not remove " << f << "\n";
}

// SIGINT/SIGTERM are blocked from the start (threads and children started later
// inherit the mask; posix_spawn resets it for children), so a signal during the
// build waits until the build is done and is then taken synchronously: the
// teardown always runs on this thread, never in a signal handler.
sigset_t termination_signals() {
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    return signals;
}

int run_up(const NetUpOptions& options) {
    const auto signals = termination_signals();
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    // A reader that goes away (a closed pipe) must not kill the run before its teardown.
    (void)::signal(SIGPIPE, SIG_IGN);

    const auto profile = load_profile_or_report(
        options.profile.empty() ? std::nullopt : std::optional<std::filesystem::path>(options.profile));
    if (!profile) return kExitFailure;
    std::optional<net::RunId> run_id;
    if (options.run_id.empty()) {
        run_id = net::RunId::generate();
    } else {
        auto parsed = net::RunId::parse(options.run_id);
        if (!parsed.ok()) {
            std::cerr << "hnbsec net up: " << parsed.error().message() << "\n";
            return kExitUsage;
        }
        run_id = std::move(*parsed);
    }
    auto plan = net::plan_network(*profile, *run_id);
    if (!plan.ok()) {
        std::cerr << "hnbsec net up: " << plan.error().message() << "\n";
        return kExitFailure;
    }

    // Leftovers of crashed runs would collide with nothing of ours (other IDs), but they
    // hold addresses and memory; clear them first, as every run does.
    print_sweep(net::sweep());

    auto network = net::LabNetwork::build(*plan);
    if (!network.ok()) {
        std::cerr << "hnbsec net up: " << network.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << plan->describe();
    for (const auto& command : network->commands()) std::cout << "ran: " << command << "\n";
    std::cout << "ready: run " << run_id->text() << " is up; SIGINT or SIGTERM tears it down" << std::endl;

    int received = 0;
    sigwait(&signals, &received);
    std::cout << "received " << (received == SIGINT ? "SIGINT" : "SIGTERM") << ", tearing down" << std::endl;
    if (auto down = network->teardown(); !down.ok()) {
        std::cerr << "hnbsec net up: " << down.error().message() << "\n";
        return kExitFailure;
    }
    std::cout << "torn down: run " << run_id->text() << std::endl;
    return kExitOk;
}

int run_sweep() {
    const auto report = net::sweep();
    print_sweep(report);
    for (const auto& id : report.kept_alive) std::cout << "kept run " << id << " (alive)\n";
    if (report.removed.empty() && report.failures.empty()) std::cout << "nothing to sweep\n";
    return report.failures.empty() ? kExitOk : kExitFailure;
}

int run_show() {
    const auto runs = net::list_runs();
    if (runs.empty()) std::cout << "no hnbsec namespaces or links\n";
    for (const auto& run : runs) {
        std::cout << "run " << run.run_id.text()
                  << (run.alive ? " alive" : " dead (hnbsec net sweep removes it)") << "\n";
        for (const auto& ns : run.namespaces) std::cout << "  namespace " << ns << "\n";
        for (const auto& link : run.host_links) std::cout << "  host link " << link << "\n";
    }
    return kExitOk;
}

}  // namespace

void register_net_command(CLI::App& app, Action& action) {
    auto* net =
        app.add_subcommand("net", "The lab network in namespaces: build it, list it, sweep leftovers");
    net->require_subcommand(1);

    auto options = std::make_shared<NetUpOptions>();
    auto* up = net->add_subcommand(
        "up", "Build the namespaces, veth and TUN of a profile, hold them until SIGINT/SIGTERM, tear down");
    up->add_option("--profile", options->profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    up->add_option("--run-id", options->run_id, "Run ID, 1-8 of [0-9a-z] (default: random)");
    up->final_callback([&action, options] { action = [options] { return run_up(*options); }; });

    auto* sweep =
        net->add_subcommand("sweep", "Remove the namespaces and links of runs that are no longer alive");
    sweep->final_callback([&action] { action = [] { return run_sweep(); }; });

    auto* show = net->add_subcommand("show", "List hnbsec namespaces and links, and which runs are alive");
    show->final_callback([&action] { action = [] { return run_show(); }; });
}

}  // namespace hnbsec::cli
