// [hsm]: optional. The PKCS#11 token holding the lab's private keys: the
// emulated H(e)NB's device key, as its TrE would (TS 33.320 clause 5.1.2), and
// optionally the SeGW key. The PIN never appears in the profile; only where to find it.
#include "harness/profile/identifiers.h"
#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {
namespace {

bool is_softhsm(const std::filesystem::path& module) {
    return module.filename().string().find("softhsm") != std::string::npos;
}

// CK_TOKEN_INFO.label is 32 bytes, blank padded (PKCS#11 v2.40 clause 3.2).
Status check_token_label(std::string_view label) {
    if (label.size() > 32) return Error("a PKCS#11 token label is at most 32 bytes");
    return Ok{};
}

}  // namespace

void read_hsm(TableReader& root, ReadContext& context, Hsm& out) {
    TableReader hsm(root.section("hsm"), "hsm", context.diag);
    out.module = read_path(hsm, "module", context).value_or(out.module);

    out.token_label =
        hsm.checked("token_label", Need::kOptional, check_token_label).value_or(out.token_label);

    out.softhsm_dir = read_path(hsm, "softhsm_dir", context);
    if (is_softhsm(out.module) && !out.softhsm_dir && !context.diag.written("hsm.softhsm_dir")) {
        out.softhsm_dir = std::filesystem::path("hnbsec-out/token");
    } else if (!is_softhsm(out.module) && out.softhsm_dir) {
        context.diag.warning(context.diag.where("hsm.softhsm_dir"),
                             "hsm.softhsm_dir: ignored, hsm.module does not look like SoftHSM2");
        out.softhsm_dir.reset();
    }

    out.pin_file = read_path(hsm, "pin_file", context);
    out.pin_env = hsm.checked("pin_env", Need::kOptional, check_env_var_name);
    if (context.diag.written("hsm.pin_file") && context.diag.written("hsm.pin_env")) {
        // Two sources for one PIN invite the wrong one being used silently.
        const auto second = context.diag.where("hsm.pin_file").line > context.diag.where("hsm.pin_env").line
                                ? "pin_file"
                                : "pin_env";
        hsm.fail(second, "set either hsm.pin_file or hsm.pin_env, not both");
    }
    hsm.finish();
}

}  // namespace hnbsec::profile::detail
