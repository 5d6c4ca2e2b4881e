#include "harness/cli/ocsp_command.h"

#include <chrono>
#include <ctime>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include "fixtures/pki/manifest.h"
#include "harness/cli/profile_loading.h"
#include "harness/cli/timestamp.h"
#include "harness/roles/crl/crl_server.h"
#include "harness/roles/http_server/http_server.h"
#include "harness/roles/ocsp/ocsp_http.h"
#include "harness/roles/ocsp/responder.h"

namespace hnbsec::cli {
namespace {

struct Endpoint {
    std::string address;
    std::uint16_t port = 0;
};

// "127.0.0.1:8080", "[::1]:8080".
Result<Endpoint> parse_listen(const std::string& text) {
    auto colon = text.rfind(':');
    if (colon == std::string::npos || colon + 1 == text.size())
        return Error("--listen '" + text + "': expected ADDR:PORT");
    Endpoint endpoint;
    endpoint.address = text.substr(0, colon);
    if (endpoint.address.size() >= 2 && endpoint.address.front() == '[' && endpoint.address.back() == ']') {
        endpoint.address = endpoint.address.substr(1, endpoint.address.size() - 2);
    }
    unsigned long port = 0;
    for (char c : text.substr(colon + 1)) {
        if (c < '0' || c > '9' || port > 65535) return Error("--listen '" + text + "': bad port");
        port = port * 10 + static_cast<unsigned long>(c - '0');
    }
    if (port > 65535) return Error("--listen '" + text + "': bad port");
    endpoint.port = static_cast<std::uint16_t>(port);
    return endpoint;
}

// Lines from the event loop and the control thread must not interleave.
std::mutex& output_mutex() {
    static std::mutex mutex;
    return mutex;
}

void print_line(const std::string& line) {
    std::lock_guard lock(output_mutex());
    std::cout << timestamp() << ' ' << line << std::endl;  // one line per event, flushed
}

// Reads "knobs <setting>..." / "knobs none" / "crl <variant>" lines: how a script
// changes the knobs of a running server. Every line is acknowledged on stdout.
void control_loop(ocsp::Responder* responder, crl::CrlServer* crls) {
    std::string line;
    while (std::getline(std::cin, line)) {
        std::istringstream words(line);
        std::string verb;
        words >> verb;
        if (verb == "knobs" && responder != nullptr) {
            ocsp::Knobs knobs;
            std::string setting;
            std::string problem;
            while (words >> setting) {
                if (setting == "none") continue;
                if (auto applied = ocsp::apply_knob(knobs, setting); !applied.ok())
                    problem = applied.error().message();
            }
            if (!problem.empty()) {
                print_line("control: " + problem);
                continue;
            }
            responder->set_knobs(knobs);
            print_line("knobs: " + ocsp::describe(knobs));
        } else if (verb == "crl" && crls != nullptr) {
            std::string name;
            words >> name;
            auto variant = crl::parse_variant(name);
            if (!variant.ok()) {
                print_line("control: " + variant.error().message());
                continue;
            }
            crls->set_variant(*variant);
            print_line("crl: " + std::string(crl::variant_name(*variant)));
        } else if (!verb.empty()) {
            print_line("control: unknown command '" + verb +
                       "' (knobs <setting>... | knobs none | crl <variant>)");
        }
    }
}

std::string path_or(const std::optional<profile::Url>& url, const std::string& fallback) {
    if (!url || url->path.empty()) return fallback;
    auto path = url->path.substr(0, url->path.find('?'));
    return path.empty() ? fallback : path;
}

}  // namespace

int run_revocation_server(const RevocationServerOptions& options, const std::string& command) {
    const std::string prefix = "hnbsec " + command + ": ";
    auto loaded = load_profile_and_pki(options.profile, options.pki, command);
    if (!loaded) return kExitFailure;
    const auto& profile = loaded->profile;
    const auto& manifest = loaded->manifest;

    const auto& pixit = profile.pixit;
    Endpoint endpoint{"0.0.0.0", 8080};
    const auto& default_url = options.ocsp && pixit.ocsp_url ? pixit.ocsp_url : pixit.crl_url;
    if (default_url) endpoint = Endpoint{default_url->host, default_url->port};
    if (!options.listen.empty()) {
        auto parsed = parse_listen(options.listen);
        if (!parsed.ok()) {
            std::cerr << prefix << parsed.error().message() << "\n";
            return kExitUsage;
        }
        endpoint = *parsed;
    }

    std::unique_ptr<ocsp::Responder> responder;
    std::unique_ptr<ocsp::OcspHttp> ocsp_http;
    const std::string ocsp_path = path_or(pixit.ocsp_url, "/ocsp");
    const std::string crl_path = path_or(pixit.crl_url, "/crl");
    if (options.ocsp) {
        auto created = ocsp::Responder::create(manifest);
        if (!created.ok()) {
            std::cerr << prefix << created.error().message() << "\n";
            return kExitFailure;
        }
        responder = std::move(*created);
        ocsp::Knobs knobs;
        for (const auto& setting : options.knobs) {
            if (auto applied = ocsp::apply_knob(knobs, setting); !applied.ok()) {
                std::cerr << prefix << applied.error().message() << "\n";
                return kExitUsage;
            }
        }
        responder->set_knobs(knobs);
        ocsp_http = std::make_unique<ocsp::OcspHttp>(*responder, ocsp_path);
    }
    auto crls = crl::CrlServer::create(manifest, crl_path);
    if (!crls.ok()) {
        std::cerr << prefix << crls.error().message() << "\n";
        return kExitFailure;
    }
    auto variant = crl::parse_variant(options.crl_variant);
    if (!variant.ok()) {
        std::cerr << prefix << variant.error().message() << "\n";
        return kExitUsage;
    }
    (*crls)->set_variant(*variant);
    crl::CrlServer* crl_server = crls->get();

    http_server::ServerOptions server_options;
    server_options.stop_on_signal = true;
    http_server::HttpServer server(
        [&](const http::Request& request, const http_server::Peer& peer) -> http_server::Reply {
            // The CRL path is checked first: with ocsp_url "http://host/" the responder
            // would otherwise claim every GET.
            if (crl_server->matches(request)) return crl_server->handle(request, peer);
            if (ocsp_http && ocsp_http->matches(request)) return ocsp_http->handle(request, peer);
            http::Response response;
            response.status = 404;
            response.headers = {{"Content-Type", "text/plain"}};
            response.body = "nothing at " + std::string(request.path().substr(0, 100)) + " (OCSP at " +
                            ocsp_path + ", CRLs under " + crl_path + "/)\n";
            return response;
        },
        [](const http_server::RequestEvent& event) { print_line(http_server::to_string(event)); },
        server_options);
    auto port = server.listen(endpoint.address, endpoint.port, options.label);
    if (!port.ok()) {
        std::cerr << prefix << port.error().message() << "\n";
        return kExitFailure;
    }
    std::string summary =
        "listening on " +
        (endpoint.address.find(':') == std::string::npos ? endpoint.address : "[" + endpoint.address + "]") +
        ":" + std::to_string(*port) + " (" + options.label + "):";
    if (responder)
        summary += " OCSP at " + ocsp_path + " (knobs: " + ocsp::describe(responder->knobs()) + "),";
    summary += " CRLs under " + crl_path + "/ (" + std::to_string(crl_server->files().size()) +
               " files, variant " + std::string(crl::variant_name(crl_server->variant())) + ")";
    print_line(summary);
    if (options.control_stdin) {
        // Detached: it blocks in a read of stdin, and the process ends with the server.
        std::thread(control_loop, responder.get(), crl_server).detach();
    }
    server.run();
    print_line("stopped");
    return kExitOk;
}

void add_revocation_server_options(CLI::App& command, RevocationServerOptions& options) {
    command.add_option("--profile", options.profile, "Lab profile (default: the built-in emulated profile)")
        ->check(CLI::ExistingFile);
    command.add_option("--pki", options.pki, "PKI folder (default: [pki] dir of the profile)");
    command.add_option(
        "--listen", options.listen,
        "ADDR:PORT to listen on (default: host and port of pixit.ocsp_url / crl_url; port 0 picks one)");
    command.add_option("--crl-variant", options.crl_variant,
                       "CRL served at <crl path>/<ca>.crl: current|expired|not-yet-valid|bad-signature");
    command.add_option("--label", options.label,
                       "Transport label printed with every request (public, inside_tunnel)");
    command.add_flag("--control-stdin", options.control_stdin,
                     "Read 'knobs <setting>...', 'knobs none' and 'crl <variant>' lines from stdin");
}

void register_ocsp_command(CLI::App& app, Action& action) {
    auto options = std::make_shared<RevocationServerOptions>();
    auto* ocsp = app.add_subcommand(
        "ocsp",
        "Bring-up mode: run the OCSP responder and the CRL server until interrupted, printing every request");
    add_revocation_server_options(*ocsp, *options);
    ocsp->add_option(
        "--knob", options->knobs,
        "OCSP misbehaviour (repeatable): signer=delegated|ca|no-eku|other-ca, stale, bad-signature, "
        "nonce=echo|omit|wrong, status=tryLater|internalError|malformedRequest|unauthorized|sigRequired, "
        "no-answer, delay=<ms>");
    ocsp->final_callback(
        [&action, options] { action = [options] { return run_revocation_server(*options, "ocsp"); }; });
}

}  // namespace hnbsec::cli
