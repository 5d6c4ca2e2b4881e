// [dut]: which device is under test and who it claims to be.
#include "harness/profile/identifiers.h"
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {

void read_dut(TableReader& root, ReadContext& context, Dut& out) {
    TableReader dut(root.section("dut", Need::kRequired), "dut", context.diag);
    if (auto kind = dut.choice<DutKind>("kind", Need::kRequired,
                                        {{"emulated", DutKind::kEmulated},
                                         {"external", DutKind::kExternal},
                                         {"strongswan", DutKind::kStrongswan}})) {
        out.kind = *kind;
    }
    out.eui = dut.checked("eui", Need::kRequired, check_eui).value_or("");
    out.realm = dut.checked("realm", Need::kRequired, check_dns_name).value_or("");
    if (!out.eui.empty() && !out.realm.empty()) {
        // TS 33.320 clause 7.2: the identity is an FQDN whose first label is the EUI.
        out.identity = out.eui + "." + out.realm;
        if (auto fqdn = check_dns_name(out.identity); !fqdn.ok()) {
            dut.fail("realm",
                     "the identity '" + out.identity + "' would not be a DNS name: " + fqdn.error().what());
        }
    }
    out.outer_address = dut.converted("outer_address", Need::kOptional, parse_ip_address);
    out.interface = dut.checked("interface", Need::kOptional, check_interface_name);
    out.hp_nai = dut.checked("hp_nai", Need::kOptional, check_nai);
    dut.finish();
}

}  // namespace hnbsec::profile::detail
