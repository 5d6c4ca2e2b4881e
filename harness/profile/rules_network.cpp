#include <tuple>

#include "harness/profile/rules.h"

namespace hnbsec::profile::detail {
namespace {

std::string family_of(const IpAddress& address) {
    return std::string(to_string(address.family));
}

// IPv6 on a side of the tunnel the DUT has not declared IPv6 support for.
void check_families(const Profile& profile, Diagnostics& diag) {
    const auto& pics = profile.pics;
    const auto& outer = profile.dut.outer_address;
    const auto& segw = profile.pixit.segw_address;
    if (outer && outer->family == IpFamily::kV6 && !pics.has("P.IPV6_OUTER")) {
        diag.error(diag.where("dut.outer_address"),
                   "dut.outer_address: IPv6 backhaul needs P.IPV6_OUTER declared");
    }
    if (segw && segw->family == IpFamily::kV6 && !pics.has("P.IPV6_OUTER")) {
        diag.error(diag.where("pixit.segw_address"),
                   "pixit.segw_address: IPv6 backhaul needs P.IPV6_OUTER declared");
    }
    // RFC 7296: the IKE SA runs between one pair of outer addresses, of one family.
    if (outer && segw && outer->family != segw->family) {
        diag.error(diag.where("pixit.segw_address"), "pixit.segw_address: " + family_of(*segw) +
                                                         " while dut.outer_address is " + family_of(*outer) +
                                                         "; the IKE SA needs both ends in one family");
    }

    const bool have_pool = diag.usable("pixit.inner_pool");
    const bool have_core = diag.usable("pixit.core_network");
    const auto& pool = profile.pixit.inner_pool;
    const auto& core = profile.pixit.core_network;
    if (have_pool && pool.network.family == IpFamily::kV6 && !pics.has("P.IPV6_INNER")) {
        diag.error(diag.where("pixit.inner_pool"),
                   "pixit.inner_pool: IPv6 inner addresses need P.IPV6_INNER declared");
    }
    if (have_pool && have_core && pool.network.family != core.network.family) {
        diag.error(diag.where("pixit.core_network"),
                   "pixit.core_network: " + family_of(core.network) + " while pixit.inner_pool is " +
                       family_of(pool.network) + "; inner addresses could not reach the core network");
    }
}

// RFC 4301 clause 4.4.1: traffic selectors decide what enters the tunnel; overlapping
// ranges make routing ambiguous, and a backhaul address inside them would loop.
void check_routing(const Profile& profile, Diagnostics& diag) {
    const auto& pool = profile.pixit.inner_pool;
    const auto& core = profile.pixit.core_network;
    const bool have_pool = diag.usable("pixit.inner_pool");
    const bool have_core = diag.usable("pixit.core_network");
    if (have_pool && have_core && pool.overlaps(core)) {
        diag.error(diag.where("pixit.core_network"),
                   "pixit.core_network: " + core.text + " overlaps pixit.inner_pool " + pool.text +
                       "; inner addresses and the core network must be disjoint");
    }
    const auto check_outer = [&](const std::optional<IpAddress>& address, const std::string& key) {
        if (!address) return;
        for (const auto& [prefix, have, name] : {std::tuple{&pool, have_pool, "pixit.inner_pool"},
                                                 std::tuple{&core, have_core, "pixit.core_network"}}) {
            if (have && prefix->contains(*address)) {
                diag.error(diag.where(key), key + ": " + address->text + " lies inside " + name +
                                                "; backhaul addresses must stay outside the tunnel's ranges");
            }
        }
    };
    check_outer(profile.dut.outer_address, "dut.outer_address");
    check_outer(profile.pixit.segw_address, "pixit.segw_address");

    // Inner services given as IP literals should sit in the core network, or their
    // traffic never enters the tunnel. A DNS name cannot be checked here.
    if (!have_core) return;
    const auto check_inner = [&](const std::string& host, const std::string& key, std::string_view pics) {
        const auto address = parse_ip_address(host);
        if (profile.pics.has(pics) && address.ok() && !core.contains(*address)) {
            diag.warning(diag.where(key), key + ": " + host + " is outside pixit.core_network " + core.text +
                                              ", so its traffic would not use the tunnel");
        }
    };
    if (const auto& url = profile.pixit.hems_serving_url)
        check_inner(url->host, "pixit.hems_serving_url", "P.HEMS_INNER");
    if (const auto& host = profile.pixit.time_server_inner)
        check_inner(*host, "pixit.time_server_inner", "P.TIME_INNER");
}

}  // namespace

void check_network_plan(const Profile& profile, Diagnostics& diag) {
    check_families(profile, diag);
    check_routing(profile, diag);
}

}  // namespace hnbsec::profile::detail
