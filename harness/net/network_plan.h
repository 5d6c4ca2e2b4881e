#pragma once
// The world a run builds, computed from the profile: a pure function, so it is
// unit-tested without root and printed before anything is touched.
//
//   DUT namespace (hx<id>-dut)        public namespace (hx<id>-pub)      core namespace (hx<id>-core)
//   v0 dut.outer_address/24  <-veth->  v1 pixit.segw_address/24          lo: 10.78.0.1/32 + core services
//   default via segw_address           lo: OCSP/CRL/initial H(e)MS hosts  tun: inner_pool routed into it
//                                      (the SeGW runs here and owns the TUN descriptor)
//
// With a real device (dut.kind = external) there is no DUT namespace: the lab
// interface dut.interface is moved into the public namespace in place of the
// veth end (it returns to the host when the namespace is deleted).

#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "harness/net/run_id.h"
#include "harness/profile/profile.h"

namespace hnbsec::net {

enum class Side { kDut, kPublic, kCore };
std::string_view to_string(Side side);

// Outer addresses carry no prefix length in the profile; the backhaul is one subnet.
inline constexpr int kOuterPrefixLengthV4 = 24;
inline constexpr int kOuterPrefixLengthV6 = 64;
inline constexpr std::string_view kDefaultDutOuterAddress = "192.168.77.2";
inline constexpr std::string_view kDefaultSegwAddress = "192.168.77.1";

struct PlannedAddress {
    Side side;
    std::string device;  // "hx1-v0", "lo", a lab interface
    std::string cidr;    // "192.168.77.2/24", "10.78.0.10/32"
    std::string why;     // "pixit.time_server_inner", for the printed plan
};

struct PlannedRoute {
    Side side;
    std::string destination;  // "10.77.0.0/24" or "default"
    std::string device;       // empty when `via` alone decides
    std::string via;          // gateway, or empty
    std::string source;       // preferred source address, or empty
    std::string why;
};

struct NetworkPlan {
    explicit NetworkPlan(RunId id) : run_id(std::move(id)) {}

    RunId run_id;
    bool dut_namespace = true;  // false for dut.kind = external

    std::string dut_ns;  // empty without a DUT namespace
    std::string public_ns;
    std::string core_ns;

    std::string dut_link;     // veth end in the DUT namespace (empty for external)
    std::string public_link;  // veth end, or the lab interface, in the public namespace
    bool public_link_is_external = false;

    std::string tun_name;
    int tun_mtu = 1400;

    std::string dut_address;   // "192.168.77.2" (no length)
    std::string segw_address;  // "192.168.77.1"
    std::string core_gateway;  // first host of pixit.core_network, "10.78.0.1"
    std::string inner_pool;    // "10.77.0.0/24"
    std::string core_network;  // "10.78.0.0/24"

    std::vector<PlannedAddress> addresses;  // in the order they are added
    std::vector<PlannedRoute> routes;
    // Service hosts named by DNS name (e.g. hems.lab.test): the lab network has
    // no resolver, so they are listed here and not placed.
    std::vector<std::string> unplaced_hosts;
    std::vector<std::string> notes;  // remarks worth printing (an address outside core_network, ...)

    const std::string& namespace_of(Side side) const;
    // Every namespace the plan creates, DUT first.
    std::vector<std::string> namespaces() const;
    // Human-readable, one fact per line: namespaces, links, addresses, routes, TUN.
    std::string describe() const;
};

// Fails with the reason when the profile cannot be laid out: mixed address
// families on the backhaul, DUT and SeGW in different subnets or equal, an
// external DUT without dut.interface or with a name longer than 15 characters.
Result<NetworkPlan> plan_network(const profile::Profile& profile, const RunId& run_id);

}  // namespace hnbsec::net
