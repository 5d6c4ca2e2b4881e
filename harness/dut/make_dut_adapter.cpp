#include "harness/dut/make_dut_adapter.h"

#include "harness/dut/emulated_dut.h"
#include "harness/dut/external_dut.h"
#include "harness/dut/strongswan_dut.h"

namespace hnbsec::dut {

Result<std::unique_ptr<DutAdapter>> make_dut_adapter(const profile::Profile& profile,
                                                     const DutContext& context) {
    const auto kind = profile.dut.kind;
    if (kind == profile::DutKind::kExternal)
        return std::unique_ptr<DutAdapter>(
            std::make_unique<ExternalDut>(profile, ExternalDutOptions{context.run_dir, context.console}));
    if (context.manifest == nullptr || context.plan == nullptr)
        return Error("the " + std::string(profile::to_string(kind)) +
                     " DUT needs the PKI manifest and the run's network plan");
    if (kind == profile::DutKind::kEmulated) {
        EmulatedDutOptions options;
        options.run_dir = context.run_dir;
        options.henb_binary = context.henb_binary;
        options.config.defects = context.defects;
        HNBSEC_TRY(auto dut,
                   EmulatedDut::create(profile, *context.manifest, *context.plan, std::move(options)));
        return std::unique_ptr<DutAdapter>(std::move(dut));
    }
    StrongswanDutOptions options;
    options.run_dir = context.run_dir;
    HNBSEC_TRY(auto dut,
               StrongswanDut::create(profile, *context.manifest, *context.plan, std::move(options)));
    return std::unique_ptr<DutAdapter>(std::move(dut));
}

}  // namespace hnbsec::dut
