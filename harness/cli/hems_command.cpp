#include "harness/cli/hems_command.h"

#include <chrono>
#include <csignal>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>

#include <pthread.h>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/roles/hems/hems_service.h"
#include "harness/roles/hems/hems_setup.h"
#include "harness/roles/hems/key_log_file.h"

namespace hnbsec::cli {
namespace {

struct HemsCommandOptions {
    std::string profile;
    std::string pki;
    std::string listen;
    std::string certificate = "hems";
    std::string keylog;
    std::string tag = "public";
    std::string client_cert = "required";
    std::string tls_min;
    std::string tls_max;
    std::string ciphers;
    std::string ciphersuites;
    std::string redirect;
    int drop_at_request = 0;
    bool plain_http = false;
    bool crl_check = false;
    int io_timeout_seconds = 10;
    std::vector<std::string> get_parameters;
};

// "127.0.0.1:7547" or "[::1]:7547" -> host, port.
bool split_listen(const std::string& text, std::string& host, std::uint16_t& port) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size()) return false;
    host = text.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    try {
        const int value = std::stoi(text.substr(colon + 1));
        if (value < 0 || value > 65535) return false;
        port = static_cast<std::uint16_t>(value);
    } catch (const std::exception&) {
        return false;
    }
    return !host.empty();
}

int usage(const std::string& what) {
    std::cerr << "hnbsec hems: " << what << "\n";
    return kExitUsage;
}

int run_hems(const HemsCommandOptions& options) {
    auto loaded = load_profile_and_pki(options.profile, options.pki, "hems");
    if (!loaded) return kExitFailure;
    const auto& profile = loaded->profile;
    const auto& manifest = loaded->manifest;

    hems::HemsKnobs knobs;
    knobs.certificate = options.certificate;
    knobs.listener = options.tag;
    knobs.use_tls = !options.plain_http;
    knobs.crl_check = options.crl_check;
    knobs.cipher_list = options.ciphers;
    knobs.ciphersuites = options.ciphersuites;
    if (options.client_cert == "required") knobs.client_auth = tls::ClientAuth::kRequire;
    if (options.client_cert == "requested") knobs.client_auth = tls::ClientAuth::kRequest;
    if (options.client_cert == "none") knobs.client_auth = tls::ClientAuth::kNone;
    if (!options.tls_min.empty()) {
        knobs.min_version = tls::parse_version(options.tls_min);
        if (!knobs.min_version)
            return usage("--tls-min '" + options.tls_min + "' is not 1.0, 1.1, 1.2 or 1.3");
    }
    if (!options.tls_max.empty()) {
        knobs.max_version = tls::parse_version(options.tls_max);
        if (!knobs.max_version)
            return usage("--tls-max '" + options.tls_max + "' is not 1.0, 1.1, 1.2 or 1.3");
    }
    if (!options.redirect.empty()) knobs.session.redirect_to = options.redirect;
    knobs.session.drop_at_request = options.drop_at_request;

    std::string host = "127.0.0.1";
    std::uint16_t port = 7547;
    if (profile.pixit.hems_initial_url && profile.pixit.hems_initial_url->port != 0) {
        port = profile.pixit.hems_initial_url->port;
    }
    if (!options.listen.empty() && !split_listen(options.listen, host, port)) {
        return usage("--listen '" + options.listen + "' is not ADDRESS:PORT");
    }

    auto config = hems::hems_setup(manifest, profile.campaign.release, knobs);
    if (!config.ok()) {
        std::cerr << "hnbsec hems: " << config.error().message() << "\n";
        return kExitFailure;
    }
    config->io_timeout = std::chrono::seconds(options.io_timeout_seconds);
    std::shared_ptr<hems::KeyLogFile> key_log;
    if (!options.keylog.empty()) {
        auto opened = hems::KeyLogFile::open(options.keylog);
        if (!opened.ok()) {
            std::cerr << "hnbsec hems: " << opened.error().message() << "\n";
            return kExitFailure;
        }
        key_log = *opened;
        config->tls.key_log = [key_log](const std::string& line) { key_log->append(line); };
        config->summary += " keylog=" + options.keylog;
    }

    // Signals are taken by sigwait() below; block them before any thread starts so that
    // every thread inherits the mask.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);

    hems::HemsService service(std::move(*config), [](const hems::HemsEvent& event) {
        std::cout << timestamp() << ' ' << hems::to_string(event) << std::endl;  // a line per event, flushed
    });
    for (const auto& name : options.get_parameters) service.queue().push(cwmp::GetParameterValues{{name}});
    if (auto bound = service.listen(host, port); !bound.ok()) {
        std::cerr << "hnbsec hems: " << bound.error().message() << "\n";
        return kExitFailure;
    }
    if (auto started = service.start(); !started.ok()) {
        std::cerr << "hnbsec hems: " << started.error().message() << "\n";
        return kExitFailure;
    }
    int received = 0;
    sigwait(&signals, &received);
    service.stop();
    std::cout << timestamp() << " stopped" << std::endl;
    return kExitOk;
}

}  // namespace

void register_hems_command(CLI::App& app, Action& action) {
    auto options = std::make_shared<HemsCommandOptions>();
    auto* hems = app.add_subcommand(
        "hems",
        "Bring-up mode: run the H(e)MS (TR-069 ACS over TLS) until interrupted, printing every event");
    hems->add_option("--profile", options->profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    hems->add_option("--pki", options->pki, "PKI folder (default: [pki] dir of the profile)");
    hems->add_option("--listen", options->listen,
                     "ADDRESS:PORT to listen on (default 127.0.0.1 and the port of pixit.hems_initial_url)");
    hems->add_option(
        "--certificate", options->certificate,
        "Server certificate by PKI name (hems, hems-ec, or a broken variant such as hems-expired)");
    hems->add_option("--keylog", options->keylog,
                     "Append TLS secrets in NSS key log format to FILE (mode 0600) for Wireshark (opt-in)");
    hems->add_option("--tag", options->tag,
                     "Listener tag in events: public (initial) or inside_tunnel (serving)")
        ->check(CLI::IsMember({"public", "inside_tunnel"}));
    hems->add_option("--client-cert", options->client_cert, "required (default), requested, or none")
        ->check(CLI::IsMember({"required", "requested", "none"}));
    hems->add_option("--tls-min", options->tls_min, "Lowest TLS version (default: 1.2 for Rel-15+ profiles)");
    hems->add_option("--tls-max", options->tls_max, "Highest TLS version (default 1.3)");
    hems->add_option("--ciphers", options->ciphers, "TLS 1.2 cipher list, OpenSSL syntax");
    hems->add_option("--ciphersuites", options->ciphersuites, "TLS 1.3 ciphersuites, OpenSSL syntax");
    hems->add_option("--redirect", options->redirect,
                     "Answer the first POST with a 302 to this URL (e.g. http://...)");
    hems->add_option("--drop-at-request", options->drop_at_request,
                     "Drop the connection without answer when request N of a connection arrives");
    hems->add_flag("--plain-http", options->plain_http, "Serve plain HTTP (inner H(e)MS without TLS)");
    hems->add_flag("--crl-check", options->crl_check, "Check device certificates against the vendor CRLs");
    hems->add_option("--io-timeout", options->io_timeout_seconds,
                     "Seconds per read/write before giving up (10)");
    hems->add_option("--get-parameter", options->get_parameters,
                     "Queue a GetParameterValues for this name for the next device session (repeatable)");
    hems->final_callback([&action, options] { action = [options] { return run_hems(*options); }; });
}

}  // namespace hnbsec::cli
