#pragma once
// Internal: rules that look across sections. They run after every section was
// read, use only values that were written and valid (Diagnostics::usable), and
// report at the key (or the PICS declaration) that has to change.

#include "harness/profile/diagnostics.h"
#include "harness/profile/profile.h"

namespace hnbsec::profile::detail {

// PICS declarations that contradict each other, and [pki] flavours the DUT cannot use.
void check_pics_combinations(const Profile& profile, Diagnostics& diag);

// PIXIT (and dut) values that the declared PICS or the dut kind make necessary;
// hooks that are missing (warnings: the operator will be prompted) or ignored.
void check_required_pixit(const Profile& profile, Diagnostics& diag);

// Address families and the routing plan: backhaul, inner pool, core network.
void check_network_plan(const Profile& profile, Diagnostics& diag);

}  // namespace hnbsec::profile::detail
