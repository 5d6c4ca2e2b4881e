// [pki]: optional. Where the lab PKI lives and which key flavours it issues.
#include <set>

#include "harness/profile/sections.h"

namespace hnbsec::profile::detail {
namespace {

std::optional<KeyFlavour> flavour_named(std::string_view name) {
    if (name == "rsa2048") return KeyFlavour::kRsa2048;
    if (name == "p256") return KeyFlavour::kP256;
    return std::nullopt;
}

}  // namespace

void read_pki(TableReader& root, ReadContext& context, const Pics& pics, Pki& out) {
    TableReader pki(root.section("pki"), "pki", context.diag);
    out.dir = read_path(pki, "dir", context).value_or(out.dir);

    // Default: what the DUT can use. RSA is the TS 33.310 baseline; P-256 only
    // when the DUT declares ECDSA.
    out.flavours = {KeyFlavour::kRsa2048};
    if (pics.has("P.ECDSA")) out.flavours.push_back(KeyFlavour::kP256);
    if (auto names = pki.text_list("flavours")) {
        std::vector<KeyFlavour> flavours;
        std::set<std::string> seen;
        bool ok = true;
        for (const auto& name : *names) {
            const auto flavour = flavour_named(name);
            if (!flavour) {
                pki.fail("flavours", "'" + name + "' is not allowed; use \"rsa2048\" and/or \"p256\"");
                ok = false;
            } else if (!seen.insert(name).second) {
                pki.fail("flavours", "'" + name + "' is listed twice");
                ok = false;
            } else {
                flavours.push_back(*flavour);
            }
        }
        if (ok) out.flavours = std::move(flavours);
    }

    // 100 years: beyond that a typo is likelier than intent.
    out.validity_days = pki.positive("validity_days", Need::kOptional, 36500).value_or(out.validity_days);
    out.segw_key_on_token = pki.boolean("segw_key_on_token").value_or(out.segw_key_on_token);
    pki.finish();
}

}  // namespace hnbsec::profile::detail
