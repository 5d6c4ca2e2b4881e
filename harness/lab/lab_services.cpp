#include "harness/lab/lab_services.h"

#include <mutex>
#include <thread>

#include <asio.hpp>

#include "harness/net/lab_network.h"
#include "harness/net/net_namespace.h"
#include "harness/net/sockets.h"
#include "harness/net/sweep.h"
#include "harness/roles/hems/hems_service.h"
#include "harness/roles/hems/hems_setup.h"
#include "harness/roles/http_server/http_server.h"
#include "harness/roles/ocsp/responder.h"
#include "harness/roles/segw/segw_setup.h"
#include "harness/roles/timeserver/time_server.h"

namespace hnbsec::lab {
namespace {

bool is_ip_literal(const std::string& text) {
    asio::error_code ec;
    (void)asio::ip::make_address(text, ec);
    return !ec;
}

// The path of a URL without its query ("/ocsp"), or `fallback`.
std::string path_of(const std::optional<profile::Url>& url, const std::string& fallback) {
    if (!url || url->path.empty()) return fallback;
    auto path = url->path.substr(0, url->path.find('?'));
    return path.empty() ? fallback : path;
}

struct EventText {
    std::string operator()(const segw::SegwEvent& e) const { return segw::to_string(e); }
    std::string operator()(const timeserver::RequestEvent& e) const { return timeserver::to_string(e); }
    std::string operator()(const hems::HemsEvent& e) const { return hems::to_string(e); }
    std::string operator()(const ocsp::OcspEvent& e) const { return ocsp::to_string(e); }
    std::string operator()(const crl::CrlEvent& e) const { return crl::to_string(e); }
    std::string operator()(const http_server::RequestEvent& e) const { return http_server::to_string(e); }
};

}  // namespace

std::string to_string(const LabEvent& event) {
    return event.role + ": " + std::visit(EventText{}, event.detail);
}

struct LabServices::Running {
    explicit Running(net::NetworkPlan p) : plan(std::move(p)) {}

    net::NetworkPlan plan;
    std::optional<net::LabNetwork> network;
    std::vector<std::string> facts;

    std::mutex sink_mutex;  // roles report from their own threads, one line at a time
    EventSink sink;
    void report(LabEvent event) {
        std::lock_guard lock(sink_mutex);
        if (sink) sink(event);
    }

    std::unique_ptr<segw::SegwService> segw;
    std::thread segw_thread;

    asio::io_context io;  // the time server (and the services to come)
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
    std::unique_ptr<timeserver::TimeServer> time_server;
    std::thread io_thread;

    std::vector<std::unique_ptr<hems::HemsService>> hems;
    mutable std::mutex tls_key_log_mutex;  // the H(e)MS sessions log from their own threads
    std::string tls_key_log;

    std::unique_ptr<ocsp::Responder> ocsp_responder;
    std::unique_ptr<ocsp::OcspHttp> ocsp_http;
    std::unique_ptr<crl::CrlServer> crl_server;
    std::unique_ptr<http_server::HttpServer> pki_http;
    std::thread pki_http_thread;

    bool stopped = false;
};

LabServices::LabServices(std::unique_ptr<Running> running) : running_(std::move(running)) {}

LabServices::~LabServices() {
    (void)stop();
}

const net::NetworkPlan& LabServices::plan() const {
    return running_->plan;
}

std::string LabServices::describe() const {
    std::string text = running_->plan.describe();
    for (const auto& fact : running_->facts) text += fact + "\n";
    return text;
}

Result<std::unique_ptr<LabServices>> LabServices::start(const profile::Profile& profile,
                                                        const pki::Manifest& manifest,
                                                        const LabOptions& options, EventSink sink) {
    // Leftovers of killed runs first: their names would not clash (run IDs differ), but
    // a lab engineer must never find a machine full of dead namespaces.
    const net::SweepReport swept = net::sweep();

    net::RunId run_id = net::RunId::generate();
    if (options.run_id) {
        HNBSEC_TRY(run_id, net::RunId::parse(*options.run_id));
    }
    HNBSEC_TRY(net::NetworkPlan plan, net::plan_network(profile, run_id));
    auto running = std::make_unique<Running>(std::move(plan));
    std::unique_ptr<LabServices> lab(new LabServices(std::move(running)));
    Running& r = *lab->running_;
    r.sink = std::move(sink);
    for (const auto& removed : swept.removed) r.facts.push_back("swept from a dead run: " + removed);

    HNBSEC_TRY(net::LabNetwork network, net::LabNetwork::build(r.plan));
    r.network.emplace(std::move(network));

    // The SeGW: public namespace, the profile's SeGW address, the core network's TUN.
    segw::SegwOptions segw_options;
    segw_options.listen_address = r.plan.segw_address;
    segw_options.certificate = options.segw_certificate;
    segw_options.staple_knobs = options.staple_knobs;
    // Device OCSP (HNB-REQ-REV-001): the lab's own responder, on pixit.ocsp_url in the public
    // namespace, where the SeGW's OCSP client must open its connections too.
    segw_options.ocsp_connector = [ns = r.plan.public_ns](const std::string& host, std::uint16_t port,
                                                          std::chrono::milliseconds timeout) -> Result<int> {
        return net::in_namespace(ns, [&] { return segw::connect_tcp(host, port, timeout); });
    };
    HNBSEC_TRY(segw::SegwSetup setup, segw::segw_setup(profile, manifest, segw_options));
    r.facts.push_back("segw: " + setup.summary);
    HNBSEC_TRY(net::UniqueFd ike_socket,
               net::open_udp_socket(r.plan.public_ns, r.plan.segw_address, ike::kIkePort));
    HNBSEC_TRY(net::UniqueFd natt_socket,
               net::open_udp_socket(r.plan.public_ns, r.plan.segw_address, ike::kNatTPort));
    auto tun = r.network->release_tun();
    if (!tun) return Error("the lab network has no core TUN device for the SeGW");
    segw::ServiceOptions service_options;
    service_options.ike_socket_fd = ike_socket.release();
    service_options.natt_socket_fd = natt_socket.release();
    service_options.tun_fd = tun->release().release();
    service_options.keys_dir = options.keys_dir;
    service_options.esp.lifetime = options.esp_lifetime;
    service_options.stop_on_signal = false;  // the command owns the signals
    service_options.replay_to_device = options.replay_esp_to_device;
    Running* raw = &r;
    r.segw = std::make_unique<segw::SegwService>(std::move(setup), service_options,
                                                 [raw](const segw::SegwEvent& e) {
                                                     raw->report(LabEvent{"segw", e});
                                                 });
    HNBSEC_CHECK(r.segw->bind());

    // The time server: inside the tunnel (core namespace), and on the public side if named.
    r.time_server = std::make_unique<timeserver::TimeServer>(r.io, options.ntp_knobs,
                                                             [raw](const timeserver::RequestEvent& e) {
                                                                 raw->report(LabEvent{"ntp", e});
                                                             });
    const std::pair<const std::optional<std::string>*, net::Side> places[] = {
        {&profile.pixit.time_server_inner, net::Side::kCore},
        {&profile.pixit.time_server_outer, net::Side::kPublic},
    };
    for (const auto& [host, side] : places) {
        if (!*host) continue;
        if (!is_ip_literal(**host)) {
            r.facts.push_back("ntp: " + **host + " is a DNS name; the lab has no resolver, not served");
            continue;
        }
        const auto path =
            side == net::Side::kCore ? timeserver::Path::kInsideTunnel : timeserver::Path::kPublic;
        HNBSEC_TRY(net::UniqueFd fd, net::open_udp_socket(r.plan.namespace_of(side), **host, ntp::kNtpPort));
        HNBSEC_CHECK(r.time_server->adopt(fd.release(), path));
        r.facts.push_back("ntp: " + **host + ":123 in " + r.plan.namespace_of(side) + " (" +
                          timeserver::to_string(path) + ")");
    }

    HNBSEC_CHECK(start_hems(profile, manifest, options, r));
    HNBSEC_CHECK(start_pki_services(profile, manifest, r));

    r.segw_thread = std::thread([raw] { raw->segw->run(); });
    r.work.emplace(r.io.get_executor());
    r.time_server->start();
    r.io_thread = std::thread([raw] { raw->io.run(); });
    return lab;
}

std::string LabServices::tls_key_log() const {
    std::lock_guard lock(running_->tls_key_log_mutex);
    return running_->tls_key_log;
}

Status LabServices::start_hems(const profile::Profile& profile, const pki::Manifest& manifest,
                               const LabOptions& options, Running& r) {
    Running* raw = &r;
    const std::pair<const std::optional<profile::Url>*, net::Side> places[] = {
        {&profile.pixit.hems_serving_url, net::Side::kCore},
        {&profile.pixit.hems_initial_url, net::Side::kPublic},
    };
    for (const auto& [url, side] : places) {
        if (!*url) continue;
        const std::string& host = (*url)->host;
        if (!is_ip_literal(host)) {
            r.facts.push_back("hems: " + host + " is a DNS name; the lab has no resolver, not served");
            continue;
        }
        hems::HemsKnobs knobs;
        knobs.certificate = options.hems_certificate;
        knobs.listener = side == net::Side::kCore ? "inside_tunnel" : "public";
        knobs.use_tls = (*url)->https;
        HNBSEC_TRY(hems::HemsConfig config, hems::hems_setup(manifest, profile.campaign.release, knobs));
        if (options.keep_tls_secrets) {
            config.tls.key_log = [raw](const std::string& line) {
                std::lock_guard lock(raw->tls_key_log_mutex);
                raw->tls_key_log += line;
                raw->tls_key_log += '\n';
            };
        }
        const std::uint16_t port = (*url)->port;
        HNBSEC_TRY(net::UniqueFd fd, net::open_tcp_listener(r.plan.namespace_of(side), host, port));
        auto service =
            std::make_unique<hems::HemsService>(std::move(config), [raw](const hems::HemsEvent& e) {
                raw->report(LabEvent{"hems", e});
            });
        HNBSEC_CHECK(service->adopt(fd.release()));
        HNBSEC_CHECK(service->start());
        r.facts.push_back(std::string("hems: ") + ((*url)->https ? "https" : "http") + "://" + host + ":" +
                          std::to_string(port) + " in " + r.plan.namespace_of(side) + " (" + knobs.listener +
                          ")");
        r.hems.push_back(std::move(service));
    }
    return Ok{};
}

Status LabServices::start_pki_services(const profile::Profile& profile, const pki::Manifest& manifest,
                                       Running& r) {
    const auto& url = profile.pixit.ocsp_url ? profile.pixit.ocsp_url : profile.pixit.crl_url;
    if (!url) return Ok{};
    if (!is_ip_literal(url->host)) {
        r.facts.push_back("ocsp/crl: " + url->host + " is a DNS name; the lab has no resolver, not served");
        return Ok{};
    }
    if (profile.pixit.ocsp_url && profile.pixit.crl_url &&
        (profile.pixit.crl_url->host != url->host || profile.pixit.crl_url->port != url->port))
        r.facts.push_back("crl: served on the OCSP responder's host and port, not " +
                          profile.pixit.crl_url->host);
    Running* raw = &r;
    const std::string ocsp_path = path_of(profile.pixit.ocsp_url, "/ocsp");
    const std::string crl_path = path_of(profile.pixit.crl_url, "/crl");
    HNBSEC_TRY(r.ocsp_responder, ocsp::Responder::create(manifest));
    r.ocsp_http =
        std::make_unique<ocsp::OcspHttp>(*r.ocsp_responder, ocsp_path, [raw](const ocsp::OcspEvent& e) {
            raw->report(LabEvent{"ocsp", e});
        });
    HNBSEC_TRY(r.crl_server, crl::CrlServer::create(manifest, crl_path, [raw](const crl::CrlEvent& e) {
                   raw->report(LabEvent{"crl", e});
               }));
    r.pki_http = std::make_unique<http_server::HttpServer>(
        [raw](const http::Request& request, const http_server::Peer& peer) -> http_server::Reply {
            // CRLs first: with an ocsp_url of "http://host/" the responder would claim every GET.
            if (raw->crl_server->matches(request)) return raw->crl_server->handle(request, peer);
            if (raw->ocsp_http->matches(request)) return raw->ocsp_http->handle(request, peer);
            http::Response response;
            response.status = 404;
            response.headers = {{"Content-Type", "text/plain"}};
            response.body = "nothing here\n";
            return response;
        },
        [raw](const http_server::RequestEvent& e) {
            raw->report(LabEvent{"http", e});
        });
    HNBSEC_TRY(net::UniqueFd fd, net::open_tcp_listener(r.plan.public_ns, url->host, url->port));
    HNBSEC_TRY(std::uint16_t port, r.pki_http->adopt(fd.release(), "public"));
    r.facts.push_back("ocsp: http://" + url->host + ":" + std::to_string(port) + ocsp_path + ", crl under " +
                      crl_path + "/ in " + r.plan.public_ns + " (public)");
    r.pki_http_thread = std::thread([raw] { raw->pki_http->run(); });
    return Ok{};
}

void LabServices::check_liveness() {
    if (running_ && running_->segw) running_->segw->check_liveness();
}

void LabServices::delete_ike_sas() {
    if (running_ && running_->segw) running_->segw->delete_ike_sas();
}

Status LabServices::stop() {
    Running& r = *running_;
    if (r.stopped) return Ok{};
    r.stopped = true;
    for (auto& service : r.hems) service->stop();
    r.hems.clear();
    if (r.pki_http) r.pki_http->stop();
    if (r.pki_http_thread.joinable()) r.pki_http_thread.join();
    r.pki_http.reset();
    if (r.segw) r.segw->stop();
    if (r.segw_thread.joinable()) r.segw_thread.join();
    if (r.time_server) r.time_server->stop();
    r.work.reset();
    r.io.stop();
    if (r.io_thread.joinable()) r.io_thread.join();
    r.segw.reset();  // closes its sockets and the TUN before the namespaces go
    r.time_server.reset();
    if (r.network) return r.network->teardown();
    return Ok{};
}

}  // namespace hnbsec::lab
