// [pixit] and [pixit.hooks]: how to reach and drive the DUT. Which optional
// keys become required is decided by rules_pixit.cpp from the PICS and dut.kind.
#include <set>

#include "harness/profile/identifiers.h"
#include "harness/profile/profile_dir.h"
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {
namespace {

void read_hooks(TableReader& pixit, ReadContext& context, Hooks& out) {
    TableReader hooks(pixit.section("hooks"), "pixit.hooks", context.diag);
    const auto command = [&](std::string_view key) {
        return hooks.converted(key, Need::kOptional, [&](std::string_view written) {
            return expand_hook_command(written, context.profile_dir);
        });
    };
    out.power_cycle = command("power_cycle");
    out.hpm_remove = command("hpm_remove");
    out.hpm_insert = command("hpm_insert");
    out.factory_reset = command("factory_reset");
    out.load_tampered_image = command("load_tampered_image");
    out.timeout = hooks.seconds("timeout_s").value_or(out.timeout);
    hooks.finish();
}

std::vector<std::string> read_trust_anchors(TableReader& pixit, const std::vector<std::string>& fallback) {
    auto names = pixit.text_list("trust_anchors");
    if (!names) return fallback;
    std::set<std::string> seen;
    for (const auto& name : *names) {
        if (auto status = check_manifest_name(name); !status.ok()) {
            pixit.fail("trust_anchors", status.error().what());
        } else if (!seen.insert(name).second) {
            pixit.fail("trust_anchors", "'" + name + "' is listed twice");
        }
    }
    return *names;
}

}  // namespace

void read_pixit(TableReader& root, ReadContext& context, Pixit& out) {
    TableReader pixit(root.section("pixit", Need::kRequired), "pixit", context.diag);
    out.segw_fqdn = pixit.checked("segw_fqdn", Need::kRequired, check_dns_name).value_or("");
    out.segw_address = pixit.converted("segw_address", Need::kOptional, parse_ip_address);
    if (auto pool = pixit.converted("inner_pool", Need::kRequired, parse_ip_prefix)) out.inner_pool = *pool;
    if (auto core = pixit.converted("core_network", Need::kRequired, parse_ip_prefix))
        out.core_network = *core;
    out.hems_initial_url = pixit.converted("hems_initial_url", Need::kOptional, parse_url);
    out.hems_serving_url = pixit.converted("hems_serving_url", Need::kOptional, parse_url);
    out.time_server_inner = pixit.checked("time_server_inner", Need::kOptional, check_host);
    out.time_server_outer = pixit.checked("time_server_outer", Need::kOptional, check_host);
    out.ocsp_url = pixit.converted("ocsp_url", Need::kOptional, parse_url);
    out.crl_url = pixit.converted("crl_url", Need::kOptional, parse_url);
    out.trust_anchors = read_trust_anchors(pixit, out.trust_anchors);
    out.max_boot_to_ike = pixit.seconds("max_boot_to_ike_s").value_or(out.max_boot_to_ike);
    out.max_hpm_reaction = pixit.seconds("max_hpm_reaction_s").value_or(out.max_hpm_reaction);
    read_hooks(pixit, context, out.hooks);
    pixit.finish();
}

}  // namespace hnbsec::profile::detail
