#include "harness/net/network_plan.h"

#include <algorithm>
#include <array>
#include <sstream>

#include <arpa/inet.h>
#include <sys/socket.h>

namespace hnbsec::net {
namespace {

using profile::IpAddress;
using profile::IpFamily;
using profile::IpPrefix;

int host_length(const IpAddress& address) {
    return address.bit_length();
}

std::string to_text(const IpAddress& address) {
    std::array<char, INET6_ADDRSTRLEN> text{};
    const int family = address.family == IpFamily::kV4 ? AF_INET : AF_INET6;
    if (::inet_ntop(family, address.bytes.data(), text.data(), text.size()) == nullptr) return address.text;
    return text.data();
}

bool same_subnet(const IpAddress& a, const IpAddress& b, int length) {
    for (int bit = 0; bit < length; ++bit) {
        const auto index = static_cast<std::size_t>(bit / 8);
        const auto mask = static_cast<std::uint8_t>(0x80U >> static_cast<unsigned>(bit % 8));
        if ((a.bytes.at(index) & mask) != (b.bytes.at(index) & mask)) return false;
    }
    return true;
}

// The first host of a prefix (network + 1), the conventional gateway; the
// network itself for a host prefix.
IpAddress first_host(const IpPrefix& prefix) {
    IpAddress host = prefix.network;
    if (prefix.length >= host.bit_length()) return host;
    for (auto i = static_cast<std::size_t>(host.bit_length() / 8); i-- > 0;) {
        if (++host.bytes.at(i) != 0) break;  // carry into the next byte only on wrap
    }
    host.text = to_text(host);
    return host;
}

std::string cidr(const IpAddress& address, int length) {
    return to_text(address) + "/" + std::to_string(length);
}

class PlanBuilder {
public:
    explicit PlanBuilder(NetworkPlan& plan) : plan_(plan) {}

    // Puts `address` on `device` unless an earlier line already holds it.
    void place(Side side, const std::string& device, const IpAddress& address, int length, std::string why) {
        if (holds(address)) return;
        placed_.push_back(address);
        plan_.addresses.push_back(PlannedAddress{side, device, cidr(address, length), std::move(why)});
    }
    bool holds(const IpAddress& address) const {
        return std::any_of(placed_.begin(), placed_.end(), [&](const IpAddress& p) {
            return p.family == address.family && p.bytes == address.bytes;
        });
    }

private:
    NetworkPlan& plan_;
    std::vector<IpAddress> placed_;
};

Result<IpAddress> outer_address(const std::optional<IpAddress>& given, std::string_view fallback) {
    if (given) return *given;
    return profile::parse_ip_address(fallback);
}

// Service hosts of a side: IP literals become /32 (/128) addresses on the side's
// lo, DNS names are listed as unplaced.
struct ServiceHost {
    std::string host;
    std::string key;
};

}  // namespace

std::string_view to_string(Side side) {
    switch (side) {
        case Side::kDut:
            return "dut";
        case Side::kPublic:
            return "public";
        case Side::kCore:
            return "core";
    }
    return "?";
}

const std::string& NetworkPlan::namespace_of(Side side) const {
    switch (side) {
        case Side::kDut:
            return dut_ns;
        case Side::kPublic:
            return public_ns;
        case Side::kCore:
            return core_ns;
    }
    return core_ns;
}

std::vector<std::string> NetworkPlan::namespaces() const {
    std::vector<std::string> names;
    if (dut_namespace) names.push_back(dut_ns);
    names.push_back(public_ns);
    names.push_back(core_ns);
    return names;
}

std::string NetworkPlan::describe() const {
    std::ostringstream out;
    out << "run " << run_id.text() << "\n";
    out << "namespaces: " << (dut_namespace ? dut_ns + " (dut), " : std::string()) << public_ns
        << " (public), " << core_ns << " (core)\n";
    if (public_link_is_external) {
        out << "link: lab interface " << public_link << " moved into " << public_ns << "\n";
    } else {
        out << "link: veth " << dut_link << " (" << dut_ns << ") <-> " << public_link << " (" << public_ns
            << ")\n";
    }
    out << "tun: " << tun_name << " in " << core_ns << ", mtu " << tun_mtu << "\n";
    for (const auto& a : addresses) {
        out << "address: " << a.cidr << " dev " << a.device << " in " << namespace_of(a.side) << " (" << a.why
            << ")\n";
    }
    for (const auto& r : routes) {
        out << "route: " << r.destination;
        if (!r.via.empty()) out << " via " << r.via;
        if (!r.device.empty()) out << " dev " << r.device;
        if (!r.source.empty()) out << " src " << r.source;
        out << " in " << namespace_of(r.side) << " (" << r.why << ")\n";
    }
    for (const auto& h : unplaced_hosts) out << "unplaced: " << h << "\n";
    for (const auto& n : notes) out << "note: " << n << "\n";
    return out.str();
}

Result<NetworkPlan> plan_network(const profile::Profile& profile, const RunId& run_id) {
    const auto context = std::string("planning the lab network");
    NetworkPlan plan(run_id);
    const auto& dut = profile.dut;
    const auto& pixit = profile.pixit;

    plan.dut_namespace = dut.kind != profile::DutKind::kExternal;
    plan.public_ns = run_id.name(NameRole::kPublicNamespace);
    plan.core_ns = run_id.name(NameRole::kCoreNamespace);
    plan.tun_name = run_id.name(NameRole::kTun);
    if (plan.dut_namespace) {
        plan.dut_ns = run_id.name(NameRole::kDutNamespace);
        plan.dut_link = run_id.name(NameRole::kDutVeth);
        plan.public_link = run_id.name(NameRole::kPublicVeth);
    } else {
        // A real device: its lab interface takes the place of our veth end.
        if (!dut.interface || dut.interface->empty()) {
            return Error("dut.kind = external needs dut.interface (the lab interface the device is on)")
                .context(context);
        }
        if (dut.interface->size() > kMaxInterfaceNameLength ||
            dut.interface->find('/') != std::string::npos) {
            return Error("dut.interface '" + *dut.interface +
                         "' is not a Linux interface name (1..15 characters)")
                .context(context);
        }
        if (parse_owned_name(*dut.interface)) {
            return Error("dut.interface '" + *dut.interface + "' is a name hnbsec makes for its own runs")
                .context(context);
        }
        if (!dut.outer_address || !pixit.segw_address) {
            return Error("dut.kind = external needs dut.outer_address and pixit.segw_address")
                .context(context);
        }
        plan.public_link = *dut.interface;
        plan.public_link_is_external = true;
    }

    HNBSEC_TRY(const auto dut_address, outer_address(dut.outer_address, kDefaultDutOuterAddress));
    HNBSEC_TRY(const auto segw_address, outer_address(pixit.segw_address, kDefaultSegwAddress));
    if (dut_address.family != segw_address.family) {
        return Error("dut.outer_address " + dut_address.text + " and pixit.segw_address " +
                     segw_address.text + " are of different families")
            .context(context);
    }
    if (dut_address.bytes == segw_address.bytes) {
        return Error("dut.outer_address and pixit.segw_address are both " + dut_address.text)
            .context(context);
    }
    const int outer_length =
        dut_address.family == IpFamily::kV4 ? kOuterPrefixLengthV4 : kOuterPrefixLengthV6;
    if (!same_subnet(dut_address, segw_address, outer_length)) {
        return Error("dut.outer_address " + dut_address.text + " and pixit.segw_address " +
                     segw_address.text + " are not in one /" + std::to_string(outer_length) +
                     " (the backhaul is a single link without a router)")
            .context(context);
    }
    plan.dut_address = to_text(dut_address);
    plan.segw_address = to_text(segw_address);
    plan.inner_pool = cidr(pixit.inner_pool.network, pixit.inner_pool.length);
    plan.core_network = cidr(pixit.core_network.network, pixit.core_network.length);

    PlanBuilder builder(plan);
    if (plan.dut_namespace) {
        builder.place(Side::kDut, plan.dut_link, dut_address, outer_length, "dut.outer_address");
    }
    builder.place(Side::kPublic, plan.public_link, segw_address, outer_length, "pixit.segw_address");

    // Public-side services the DUT reaches before (or without) the tunnel.
    std::vector<ServiceHost> public_hosts;
    if (pixit.ocsp_url) public_hosts.push_back({pixit.ocsp_url->host, "pixit.ocsp_url"});
    if (pixit.crl_url) public_hosts.push_back({pixit.crl_url->host, "pixit.crl_url"});
    if (pixit.hems_initial_url)
        public_hosts.push_back({pixit.hems_initial_url->host, "pixit.hems_initial_url"});
    if (pixit.time_server_outer)
        public_hosts.push_back({*pixit.time_server_outer, "pixit.time_server_outer"});
    for (const auto& [host, key] : public_hosts) {
        const auto address = profile::parse_ip_address(host);
        if (!address.ok()) {
            plan.unplaced_hosts.push_back(key + " host " + host +
                                          " (a DNS name; no resolver in the lab network)");
            continue;
        }
        if (address->bytes == dut_address.bytes && address->family == dut_address.family) {
            return Error(key + " host " + host + " is the DUT's own address").context(context);
        }
        if (address->family != dut_address.family) {
            plan.notes.push_back(key + " host " + host + " is not of the backhaul's family; not placed");
            continue;
        }
        builder.place(Side::kPublic, "lo", *address, host_length(*address), key + " host");
    }

    // Core side: the gateway address, then the inner services.
    const auto gateway = first_host(pixit.core_network);
    plan.core_gateway = to_text(gateway);
    builder.place(Side::kCore, "lo", gateway, host_length(gateway), "first host of pixit.core_network");
    std::vector<ServiceHost> core_hosts;
    if (pixit.time_server_inner) core_hosts.push_back({*pixit.time_server_inner, "pixit.time_server_inner"});
    if (pixit.hems_serving_url)
        core_hosts.push_back({pixit.hems_serving_url->host, "pixit.hems_serving_url"});
    for (const auto& [host, key] : core_hosts) {
        const auto address = profile::parse_ip_address(host);
        if (!address.ok()) {
            plan.unplaced_hosts.push_back(key + " host " + host +
                                          " (a DNS name; no resolver in the lab network)");
            continue;
        }
        if (pixit.inner_pool.contains(*address)) {
            return Error(key + " host " + host + " lies inside pixit.inner_pool " + pixit.inner_pool.text +
                         ", which is routed into the tunnel")
                .context(context);
        }
        if (!pixit.core_network.contains(*address)) {
            plan.notes.push_back(key + " host " + host + " is outside pixit.core_network " +
                                 pixit.core_network.text + "; placed in the core namespace anyway");
        }
        builder.place(Side::kCore, "lo", *address, host_length(*address), key + " host");
    }

    if (plan.dut_namespace) {
        // Public services outside the backhaul subnet are reached through the SeGW's side.
        plan.routes.push_back(PlannedRoute{Side::kDut, "default", "", plan.segw_address, "",
                                           "reach public-side services through the harness"});
    }
    // Replies to inner addresses go into the TUN, where the SeGW picks them up;
    // `src` makes the core answer from its gateway address, not from an arbitrary lo address.
    const bool same_family = pixit.inner_pool.network.family == gateway.family;
    plan.routes.push_back(PlannedRoute{Side::kCore, plan.inner_pool, plan.tun_name, "",
                                       same_family ? plan.core_gateway : std::string(),
                                       "pixit.inner_pool into the tunnel"});
    return plan;
}

}  // namespace hnbsec::net
