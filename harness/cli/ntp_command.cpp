#include "harness/cli/ntp_command.h"

#include <chrono>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include "harness/cli/timestamp.h"
#include "harness/roles/timeserver/key_file.h"
#include "harness/roles/timeserver/time_server.h"
#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::cli {
namespace {

struct NtpCommandOptions {
    std::vector<std::string> listen;         // in clear
    std::vector<std::string> listen_inside;  // inside the SeGW's ESP tunnel
    double offset_seconds = 0;
    int stratum = 1;
    int leap = 0;
    std::string kod;
    std::string key_file;
    std::string auth = "optional";
    bool crypto_nak = false;
    bool corrupt_mac = false;
    bool wrong_origin = false;
    bool no_answer = false;
    double delay_seconds = 0;
};

Result<timeserver::ServerKnobs> knobs_from(const NtpCommandOptions& options) {
    timeserver::ServerKnobs knobs;
    if (!std::isfinite(options.offset_seconds) || std::abs(options.offset_seconds) > 1e10)
        return Error("--offset must be a finite number of seconds");
    knobs.offset = std::chrono::nanoseconds(std::llround(options.offset_seconds * 1e9));
    knobs.stratum = static_cast<std::uint8_t>(options.stratum);
    knobs.leap = static_cast<ntp::Leap>(options.leap);
    if (!options.kod.empty()) {
        if (!ntp::is_valid_kiss_code(options.kod))
            return Error("--kod '" + options.kod + "': expected 1 to 4 ASCII letters");
        knobs.kiss_code = options.kod;
    }
    auto auth = timeserver::auth_mode_from_name(options.auth);
    if (!auth) return Error("--auth '" + options.auth + "': expected off, optional or required");
    knobs.auth = *auth;
    if (knobs.auth == timeserver::AuthMode::kRequired && options.key_file.empty())
        return Error("--auth required needs --key-file");
    if (!options.key_file.empty()) {
        HNBSEC_TRY(auto keys, timeserver::load_key_file(options.key_file));
        knobs.keys = std::make_shared<const timeserver::KeyTable>(std::move(keys));
    }
    knobs.bad_mac =
        options.crypto_nak ? timeserver::BadMacAnswer::kCryptoNak : timeserver::BadMacAnswer::kNoAnswer;
    knobs.corrupt_mac = options.corrupt_mac;
    knobs.wrong_origin = options.wrong_origin;
    knobs.no_answer = options.no_answer;
    if (!(options.delay_seconds >= 0 && options.delay_seconds < 3600))
        return Error("--delay must be 0 to 3600 seconds");
    knobs.answer_delay = std::chrono::nanoseconds(std::llround(options.delay_seconds * 1e9));
    return knobs;
}

std::string knob_summary(const timeserver::ServerKnobs& knobs) {
    std::ostringstream text;
    text << "offset " << std::chrono::duration<double>(knobs.offset).count() << " s, stratum "
         << int{knobs.stratum} << ", leap " << ntp::to_string(knobs.leap);
    if (knobs.kiss_code) text << ", KoD " << *knobs.kiss_code;
    if (knobs.no_answer) text << ", no answer";
    if (knobs.answer_delay.count() > 0)
        text << ", answer delay " << std::chrono::duration<double>(knobs.answer_delay).count() << " s";
    text << ", auth " << timeserver::to_string(knobs.auth) << " (" << knobs.keys->size() << " keys)";
    return text.str();
}

int run_ntp(const NtpCommandOptions& options) {
    auto knobs = knobs_from(options);
    if (!knobs.ok()) {
        std::cerr << "hnbsec ntp: " << knobs.error().message() << "\n";
        return kExitUsage;
    }
    std::vector<timeserver::ListenAddress> listeners;
    for (const auto& [texts, path] : {std::pair{&options.listen, timeserver::Path::kPublic},
                                      std::pair{&options.listen_inside, timeserver::Path::kInsideTunnel}}) {
        for (const auto& text : *texts) {
            auto where = timeserver::parse_listen_address(text, path);
            if (!where.ok()) {
                std::cerr << "hnbsec ntp: " << where.error().message() << "\n";
                return kExitUsage;
            }
            listeners.push_back(*where);
        }
    }
    if (listeners.empty()) listeners.push_back({"0.0.0.0", ntp::kNtpPort, timeserver::Path::kPublic});

    const std::string summary = knob_summary(*knobs);
    asio::io_context io;
    timeserver::TimeServer server(io, std::move(*knobs), [](const timeserver::RequestEvent& event) {
        std::cout << timestamp() << ' ' << timeserver::to_string(event)
                  << std::endl;  // a line per event, flushed
    });
    for (const auto& where : listeners) {
        if (auto bound = server.listen(where); !bound.ok()) {
            std::cerr << "hnbsec ntp: " << bound.error().message() << "\n";
            return kExitFailure;
        }
    }
    asio::signal_set signals(io, SIGINT, SIGTERM);
    signals.async_wait([&server](const asio::error_code& ec, int) {
        if (!ec) server.stop();
    });
    std::cout << timestamp() << " listening:";
    const auto endpoints = server.local_endpoints();
    for (std::size_t i = 0; i < endpoints.size(); ++i)
        std::cout << ' ' << timeserver::to_string(endpoints[i]) << " ("
                  << timeserver::to_string(listeners[i].path) << ")";
    std::cout << "; " << summary << std::endl;
    server.start();
    io.run();  // ends when the signal closed every listener
    std::cout << timestamp() << " stopped" << std::endl;
    return kExitOk;
}

}  // namespace

void register_ntp_command(CLI::App& app, Action& action) {
    auto options = std::make_shared<NtpCommandOptions>();
    auto* ntp = app.add_subcommand(
        "ntp", "Bring-up mode: run the time server (NTP) until interrupted, printing every request");
    ntp->add_option("--listen", options->listen,
                    "ADDR[:PORT] to serve in clear (repeatable; default 0.0.0.0:123)");
    ntp->add_option("--listen-inside", options->listen_inside,
                    "ADDR[:PORT] in the core network, reached only through the SeGW's ESP (repeatable)");
    ntp->add_option("--offset", options->offset_seconds,
                    "Seconds added to the true time (e.g. 34560000 = 400 days)");
    ntp->add_option("--stratum", options->stratum, "Stratum to announce (16 = unsynchronised)")
        ->check(CLI::Range(0, 255));
    ntp->add_option("--leap", options->leap, "Leap indicator (3 = unsynchronised)")->check(CLI::Range(0, 3));
    ntp->add_option("--kod", options->kod,
                    "Answer every request with this Kiss-o'-Death code (RATE, DENY, RSTR)");
    ntp->add_option("--key-file", options->key_file,
                    "chrony keyfile with the symmetric keys (ID TYPE HEX:KEY)")
        ->check(CLI::ExistingFile);
    ntp->add_option(
        "--auth", options->auth,
        "off: ignore MACs; optional: sign answers to signed requests; required: answer only those");
    ntp->add_flag("--crypto-nak", options->crypto_nak,
                  "Answer a bad MAC with a crypto-NAK instead of silence (chrony's choice)");
    ntp->add_flag("--corrupt-mac", options->corrupt_mac, "Sign answers with a damaged digest");
    ntp->add_flag("--wrong-origin", options->wrong_origin, "Echo a wrong origin timestamp");
    ntp->add_flag("--no-answer", options->no_answer, "Report requests, never answer");
    ntp->add_option("--delay", options->delay_seconds, "Seconds to hold every answer");
    ntp->final_callback([&action, options] { action = [options] { return run_ntp(*options); }; });
}

}  // namespace hnbsec::cli
