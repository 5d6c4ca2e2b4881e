#include <vector>

#include "harness/profile/rules.h"

namespace hnbsec::profile::detail {
namespace {

struct PicsNeedsKey {
    std::string_view pics;
    std::string_view key;
    std::string_view why;
};

constexpr PicsNeedsKey kPicsNeedsKey[] = {
    // TS 33.320 clause 8: the initial H(e)MS is contacted outside the tunnel; the harness serves it.
    {"P.HEMS_PUBLIC", "pixit.hems_initial_url", "the DUT contacts its initial H(e)MS outside the tunnel"},
    // TS 33.320 clause 8: the serving H(e)MS sits behind the SeGW.
    {"P.HEMS_INNER", "pixit.hems_serving_url", "the DUT contacts its serving H(e)MS through the tunnel"},
    // TS 33.320 clause 4.4.2: the H(e)NB needs secure time to check certificate validity.
    {"P.TIME_INNER", "pixit.time_server_inner", "the DUT synchronises time inside the tunnel"},
    {"P.TIME_OUTER_SECURE", "pixit.time_server_outer", "the DUT synchronises time outside the tunnel"},
    // TS 33.320 clause 7.2 / RFC 4187: EAP-AKA starts from the hosting party's NAI.
    {"P.HPAUTH", "dut.hp_nai", "hosting-party EAP-AKA needs the hosting party's NAI"},
    // RFC 6960 / RFC 5280: the harness responder and CRL are named in the SeGW certificate's AIA / CDP.
    {"P.OCSP_DIRECT", "pixit.ocsp_url", "the DUT queries the OCSP responder named in the certificate"},
    {"P.CRL", "pixit.crl_url", "the DUT fetches the CRL named in the certificate"},
};

// An external DUT is real hardware: the harness cannot invent its addresses.
constexpr std::string_view kExternalNeeds[] = {"dut.interface", "dut.outer_address", "pixit.segw_address"};

void check_hems_schemes(const Profile& profile, Diagnostics& diag) {
    // TS 33.320 clause 4.4.6: an H(e)MS reached on the public side is protected with TLS.
    const auto& initial = profile.pixit.hems_initial_url;
    if (profile.pics.has("P.HEMS_PUBLIC") && initial && !initial->https) {
        diag.error(
            diag.where("pixit.hems_initial_url"),
            "pixit.hems_initial_url: must be https:// because P.HEMS_PUBLIC puts the H(e)MS outside the "
            "tunnel, where TLS is mandatory");
    }
    // P.TLS_INNER declares TLS to the serving H(e)MS even inside the tunnel.
    const auto& serving = profile.pixit.hems_serving_url;
    if (profile.pics.has("P.TLS_INNER") && serving && !serving->https) {
        diag.error(diag.where("pixit.hems_serving_url"),
                   "pixit.hems_serving_url: must be https:// because P.TLS_INNER is declared");
    }
}

void check_hooks(const Profile& profile, Diagnostics& diag) {
    if (!diag.usable("dut.kind")) return;
    const auto kind = profile.dut.kind;
    if (kind != DutKind::kExternal) {
        if (diag.written("pixit.hooks")) {
            diag.warning(diag.where("pixit.hooks"), "pixit.hooks: ignored for dut.kind = \"" +
                                                        std::string(to_string(kind)) +
                                                        "\"; the harness drives that DUT itself");
        }
        return;
    }
    // Real hardware without a hook is still testable: the run pauses and asks the operator.
    std::vector<std::string_view> missing;
    for (std::string_view hook : {"power_cycle", "factory_reset", "load_tampered_image"}) {
        if (!diag.written("pixit.hooks." + std::string(hook))) missing.push_back(hook);
    }
    if (profile.pics.has("P.HPM")) {
        for (std::string_view hook : {"hpm_remove", "hpm_insert"}) {
            if (!diag.written("pixit.hooks." + std::string(hook))) missing.push_back(hook);
        }
    }
    if (missing.empty()) return;
    std::string names;
    for (auto hook : missing) names += (names.empty() ? "" : ", ") + std::string(hook);
    diag.warning(diag.where("pixit.hooks"), "pixit.hooks: no command for " + names +
                                                "; the run will prompt the operator for these steps");
}

}  // namespace

void check_required_pixit(const Profile& profile, Diagnostics& diag) {
    for (const auto& rule : kPicsNeedsKey) {
        if (profile.pics.has(rule.pics) && !diag.written(rule.key)) {
            diag.error(diag.where(rule.key), std::string(rule.key) + ": required because " +
                                                 std::string(rule.pics) + " is declared (" +
                                                 std::string(rule.why) + ")");
        }
    }
    if (diag.usable("dut.kind") && profile.dut.kind == DutKind::kExternal) {
        for (auto key : kExternalNeeds) {
            if (!diag.written(key)) {
                diag.error(diag.where(key), std::string(key) + ": required for dut.kind = \"external\"");
            }
        }
    }
    check_hems_schemes(profile, diag);
    check_hooks(profile, diag);
}

}  // namespace hnbsec::profile::detail
