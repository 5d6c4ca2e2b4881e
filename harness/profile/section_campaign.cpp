// [campaign]: optional. name defaults to the profile file name; release pins
// the TS 33.210 / TS 33.310 profile used by algorithm and TLS checks.
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {

void read_campaign(TableReader& root, ReadContext& context, Campaign& out) {
    TableReader campaign(root.section("campaign"), "campaign", context.diag);
    out.name = campaign.text("name").value_or(context.default_name);
    out.release = campaign
                      .choice<Release>("release", Need::kOptional,
                                       {{"rel-9", Release::kRel9}, {"rel-15", Release::kRel15}})
                      .value_or(Release::kRel15);
    campaign.finish();
}

}  // namespace hnbsec::profile::detail
