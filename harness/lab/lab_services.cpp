#include "harness/lab/lab_services.h"

#include <mutex>
#include <thread>

#include <asio.hpp>

#include "harness/net/lab_network.h"
#include "harness/net/sockets.h"
#include "harness/net/sweep.h"
#include "harness/roles/segw/segw_setup.h"
#include "harness/roles/timeserver/time_server.h"

namespace hnbsec::lab {
namespace {

bool is_ip_literal(const std::string& text) {
    asio::error_code ec;
    (void)asio::ip::make_address(text, ec);
    return !ec;
}

}  // namespace

std::string to_string(const LabEvent& event) {
    if (const auto* s = std::get_if<segw::SegwEvent>(&event.detail))
        return event.role + ": " + segw::to_string(*s);
    return event.role + ": " + timeserver::to_string(std::get<timeserver::RequestEvent>(event.detail));
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
    Running* raw = &r;
    r.segw = std::make_unique<segw::SegwService>(std::move(setup), service_options,
                                                 [raw](const segw::SegwEvent& e) {
                                                     raw->report(LabEvent{"segw", e});
                                                 });
    HNBSEC_CHECK(r.segw->bind());

    // The time server: inside the tunnel (core namespace), and on the public side if named.
    timeserver::ServerKnobs knobs;
    knobs.offset = options.ntp_offset;
    r.time_server =
        std::make_unique<timeserver::TimeServer>(r.io, knobs, [raw](const timeserver::RequestEvent& e) {
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

    r.segw_thread = std::thread([raw] { raw->segw->run(); });
    r.work.emplace(r.io.get_executor());
    r.time_server->start();
    r.io_thread = std::thread([raw] { raw->io.run(); });
    return lab;
}

Status LabServices::stop() {
    Running& r = *running_;
    if (r.stopped) return Ok{};
    r.stopped = true;
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
