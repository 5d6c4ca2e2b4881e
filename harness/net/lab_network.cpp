#include "harness/net/lab_network.h"

#include <fstream>

#include "harness/net/ip_command.h"
#include "harness/net/net_namespace.h"

namespace hnbsec::net {

LabNetwork::LabNetwork(NetworkPlan plan, RunLock lock) : plan_(std::move(plan)), lock_(std::move(lock)) {}

LabNetwork::LabNetwork(LabNetwork&&) noexcept = default;

LabNetwork& LabNetwork::operator=(LabNetwork&& other) noexcept {
    if (this != &other) {
        (void)teardown();
        plan_ = std::move(other.plan_);
        lock_ = std::exchange(other.lock_, std::nullopt);
        tun_ = std::exchange(other.tun_, std::nullopt);
        commands_ = std::move(other.commands_);
        created_namespaces_ = std::exchange(other.created_namespaces_, {});
    }
    return *this;
}

LabNetwork::~LabNetwork() {
    (void)teardown();
}

Result<LabNetwork> LabNetwork::build(const NetworkPlan& plan, const BuildOptions& options) {
    // The lock first: from the moment a name of this run exists, sweep() must see the run alive.
    HNBSEC_TRY(auto lock, RunLock::acquire(plan.run_id, options.lock_dir));
    LabNetwork network(plan, std::move(lock));
    if (auto built = network.build_steps(); !built.ok()) {
        auto error = std::move(built).error();
        if (auto undone = network.teardown(); !undone.ok()) {
            return std::move(error).context("building lab network " + plan.run_id.text() +
                                            " (and tearing it down failed too: " + undone.error().message() +
                                            ")");
        }
        return std::move(error).context("building lab network " + plan.run_id.text());
    }
    return network;
}

Status LabNetwork::build_steps() {
    const auto ip = [this](std::vector<std::string> args) -> Status {
        commands_.push_back(ip_command_line(args));
        HNBSEC_CHECK(run_ip(args));
        return Ok{};
    };

    for (const auto& name : plan_.namespaces()) {
        commands_.push_back(ip_command_line({"netns", "add", name}));
        commands_.push_back(ip_command_line({"-n", name, "link", "set", "lo", "up"}));
        HNBSEC_CHECK(create_namespace(name));
        created_namespaces_.push_back(name);
    }

    if (plan_.dut_namespace) {
        // Both ends are born in their namespaces: nothing ever appears in the host's.
        HNBSEC_CHECK(ip({"-n", plan_.dut_ns, "link", "add", plan_.dut_link, "type", "veth", "peer", "name",
                         plan_.public_link, "netns", plan_.public_ns}));
    } else {
        // The lab interface returns to the host namespace when ours is deleted.
        HNBSEC_CHECK(ip({"link", "set", "dev", plan_.public_link, "netns", plan_.public_ns}));
    }

    for (const auto& address : plan_.addresses) {
        std::vector<std::string> args{
            "-n", plan_.namespace_of(address.side), "addr", "add", address.cidr, "dev", address.device};
        // IPv6 duplicate address detection would keep the address tentative (unusable)
        // for a second or more; nothing else is on these links.
        if (address.cidr.find(':') != std::string::npos) args.emplace_back("nodad");
        HNBSEC_CHECK(ip(std::move(args)));
    }
    if (plan_.dut_namespace) HNBSEC_CHECK(ip({"-n", plan_.dut_ns, "link", "set", plan_.dut_link, "up"}));
    HNBSEC_CHECK(ip({"-n", plan_.public_ns, "link", "set", plan_.public_link, "up"}));

    // On an IPv4-only core network the kernel's IPv6 chatter on the TUN (router
    // solicitations) would be the only traffic towards the devices, reported by the SeGW as
    // undeliverable: new interfaces of the core namespace get no IPv6.
    if (plan_.inner_pool.find(':') == std::string::npos) {
        commands_.push_back("(in-process) sysctl net.ipv6.conf.default.disable_ipv6=1 in " + plan_.core_ns);
        HNBSEC_CHECK(in_namespace(plan_.core_ns, []() -> Status {
            std::ofstream sysctl("/proc/sys/net/ipv6/conf/default/disable_ipv6");
            sysctl << "1\n";
            sysctl.close();
            if (!sysctl) return Error("cannot disable IPv6 for new interfaces of the core namespace");
            return Ok{};
        }));
    }
    commands_.push_back("(in-process) TUN " + plan_.tun_name + " in " + plan_.core_ns + ", mtu " +
                        std::to_string(plan_.tun_mtu) + ", up");
    HNBSEC_TRY(auto tun, TunDevice::open(plan_.core_ns, plan_.tun_name, plan_.tun_mtu));
    tun_.emplace(std::move(tun));

    for (const auto& route : plan_.routes) {
        std::vector<std::string> args{"-n", plan_.namespace_of(route.side), "route", "add",
                                      route.destination};
        if (!route.via.empty()) args.insert(args.end(), {"via", route.via});
        if (!route.device.empty()) args.insert(args.end(), {"dev", route.device});
        if (!route.source.empty()) args.insert(args.end(), {"src", route.source});
        HNBSEC_CHECK(ip(std::move(args)));
    }
    return Ok{};
}

Status LabNetwork::teardown() {
    // The TUN first: a device held open keeps its namespace alive after `ip netns del`.
    tun_.reset();
    std::string failures;
    for (auto it = created_namespaces_.rbegin(); it != created_namespaces_.rend(); ++it) {
        if (auto deleted = delete_namespace(*it); !deleted.ok()) {
            failures += (failures.empty() ? "" : "; ") + deleted.error().message();
        }
    }
    created_namespaces_.clear();
    // Released even after a failure: the run is over, and sweep() may now finish the job.
    lock_.reset();
    if (!failures.empty()) return Error("tearing down lab network " + plan_.run_id.text() + ": " + failures);
    return Ok{};
}

}  // namespace hnbsec::net
