// hnbsec-henb: the emulated H(e)NB (emulator/README.md). This file only wires the parts:
// command line, configuration, console log, TrE, device, control channel, and the signal
// wait that ends the process cleanly (DELETE on the link, control socket removed, exit 0).

#include <csignal>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <signal.h>
#include <sys/stat.h>

#include "emulator/config/henb_config.h"
#include "emulator/control/control_server.h"
#include "emulator/defects/defect.h"
#include "emulator/device/control_commands.h"
#include "emulator/device/device.h"
#include "emulator/log/console_log.h"
#include "emulator/segw_link/segw_link.h"
#include "emulator/services/cwmp_client.h"
#include "emulator/services/time_client.h"
#include "emulator/tre/device_key.h"
#include "emulator/tre/tre.h"

#ifndef HNBSEC_VERSION
#define HNBSEC_VERSION "0.0.0"
#endif

namespace hnbsec::emulator {
namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;

void list_defects(bool json) {
    if (json) {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& d : all_defects()) {
            out.push_back({{"name", d.name}, {"requirement", d.requirement}, {"wire_effect", d.wire_effect}});
        }
        std::cout << out.dump(2) << "\n";
        return;
    }
    std::cout << fmt::format("{:<28} {:<22} {}\n", "DEFECT", "REQUIREMENT", "WIRE EFFECT");
    for (const auto& d : all_defects()) {
        std::cout << fmt::format("{:<28} {:<22} {}\n", d.name, d.requirement, d.wire_effect);
    }
}

std::string valid_defect_names() {
    std::vector<std::string_view> names;
    for (const auto& d : all_defects()) names.push_back(d.name);
    return fmt::format("{}", fmt::join(names, ", "));
}

Status prepare_state_dir(const HenbConfig& config) {
    std::error_code ec;
    for (const auto& dir : {config.device.state_dir, config.device.control_socket.parent_path()}) {
        if (dir.empty() || std::filesystem::is_directory(dir, ec)) continue;
        std::filesystem::create_directories(dir, ec);
        if (ec) return Error(fmt::format("cannot create {}: {}", dir.string(), ec.message()));
        // Only the device's own user reads its state (the console log, the control socket).
        std::filesystem::permissions(dir, std::filesystem::perms::owner_all, ec);
    }
    return Ok{};
}

// Blocks until SIGTERM or SIGINT; returns its name. The signals are blocked in every thread
// (main blocks them before it starts any), so only this wait receives them.
const char* wait_for_termination(const sigset_t& signals) {
    while (true) {
        const timespec slice{1, 0};
        const int sig = ::sigtimedwait(&signals, nullptr, &slice);
        if (sig == SIGTERM) return "SIGTERM";
        if (sig == SIGINT) return "SIGINT";
    }
}

int run_device(const HenbConfig& config, DefectSet& defects, const sigset_t& signals) {
    if (const Status dirs = prepare_state_dir(config); !dirs) {
        std::cerr << "hnbsec-henb: " << dirs.error().message() << "\n";
        return kExitFailure;
    }
    ConsoleLog log;
    const auto log_path = config.device.log_file.value_or(config.device.state_dir / "console.log");
    if (const Status opened = log.open_file(log_path); !opened) {
        std::cerr << "hnbsec-henb: " << opened.error().message() << "\n";
        return kExitFailure;
    }
    log.line("power", fmt::format("hnbsec-henb {} as {} (config {})", HNBSEC_VERSION, config.device.identity,
                                  config.source.filename().string()));
    for (const auto& name : defects.names()) {
        const auto defect = defect_from_name(name);
        log.line("defect", fmt::format("set {} ({})", name, info(*defect).requirement));
    }

    tre::Tre tre(
        tre::TreSettings{config.device.image, config.device.image_sha256, config.certificates.device_chain},
        [&config] { return tre::DeviceKey::open(config.token); });
    Device device(config, defects, log, tre,
                  DeviceDeps{[](SegwLinkParams params) { return SegwLink::start(std::move(params)); },
                             [](const TimeQuery& query) { return query_time(query); },
                             [](const InformRequest& request) { return send_inform(request); }});
    auto server = control::ControlServer::start(
        config.device.control_socket, [&](std::string_view line, const std::atomic<bool>& stopping) {
            return execute_control_line(line, device, defects, log, stopping);
        });
    if (!server) {
        log.line("control", "FAILED: " + server.error().message());
        return kExitFailure;
    }
    log.line("control", fmt::format("listening on {}", config.device.control_socket.string()));
    device.start();

    const char* why = wait_for_termination(signals);
    log.line("power", fmt::format("{}: shutting down", why));
    (*server)->stop();
    device.shutdown();
    log.line("power", "exit");
    return kExitOk;
}

int run(int argc, char** argv) {
    CLI::App app{
        "hnbsec-henb - the emulated H(e)NB of hnbsec (3GPP TS 33.320), with defect switches\n"
        "Exit codes: 0 clean exit (SIGTERM/SIGINT), 1 runtime failure, 2 usage or configuration error.",
        "hnbsec-henb"};
    app.set_version_flag("--version", std::string(HNBSEC_VERSION));
    std::string config_path;
    std::vector<std::string> defect_names;
    bool list = false;
    bool json = false;
    app.add_option("--config", config_path, "The device's configuration (TOML, emulator/README.md)");
    app.add_option("--defect", defect_names, "Set a defect at start (repeatable); see --list-defects")
        ->allow_extra_args(false);
    auto* list_flag =
        app.add_flag("--list-defects", list, "Print every defect with its requirement and exit");
    app.add_flag("--json", json, "With --list-defects: as JSON")->needs(list_flag);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitUsage;
    }

    DefectSet defects;
    for (const auto& name : defect_names) {
        const auto defect = defect_from_name(name);
        if (!defect) {
            std::cerr << "hnbsec-henb: unknown defect '" << name
                      << "'; valid defects: " << valid_defect_names() << "\n";
            return kExitUsage;
        }
        defects.set(*defect);
    }
    if (list) {
        list_defects(json);
        return kExitOk;
    }
    if (config_path.empty()) {
        std::cerr << "hnbsec-henb: --config FILE is required (or --list-defects); see --help\n";
        return kExitUsage;
    }
    auto config = load_henb_config(config_path);
    if (!config) {
        std::cerr << "hnbsec-henb: " << config.error().message() << "\n";
        return kExitUsage;
    }
    for (const auto& name : config->boot.defects) {
        const auto defect = defect_from_name(name);
        if (!defect) {
            std::cerr << "hnbsec-henb: [boot] defects names an unknown defect '" << name
                      << "'; valid defects: " << valid_defect_names() << "\n";
            return kExitUsage;
        }
        defects.set(*defect);
    }

    // Before any thread starts, so every thread inherits the mask and sigtimedwait gets them.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGTERM);
    sigaddset(&signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    static_cast<void>(std::signal(SIGPIPE, SIG_IGN));
    return run_device(*config, defects, signals);
}

}  // namespace
}  // namespace hnbsec::emulator

int main(int argc, char** argv) {
    return hnbsec::emulator::run(argc, argv);
}
