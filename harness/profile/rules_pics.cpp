#include <algorithm>

#include "harness/profile/rules.h"

namespace hnbsec::profile::detail {
namespace {

struct Conflict {
    std::string_view name;  // declared true...
    std::string_view with;  // ...together with this one declared true
    std::string_view why;
};

// P.IPSEC_OFF: these services are carried inside the IKEv2/IPsec tunnel to the
// SeGW (TS 33.320 clauses 7 and 8), so without a tunnel they cannot run.
constexpr Conflict kNeedTunnel[] = {
    {"P.HEMS_INNER", "P.IPSEC_OFF", "the serving H(e)MS is reached through the tunnel"},
    {"P.TIME_INNER", "P.IPSEC_OFF", "the inner time server is reached through the tunnel"},
    {"P.HPAUTH", "P.IPSEC_OFF", "hosting-party EAP-AKA runs inside IKEv2"},
};

struct Prerequisite {
    std::string_view name;   // declared true...
    std::string_view needs;  // ...needs this one declared true
    std::string_view why;
};

constexpr Prerequisite kPrerequisites[] = {
    // TS 33.320 clauses 5.1.1, 5.3, 7.2: hosting-party authentication uses the credentials held in the HPM.
    {"P.HPAUTH", "P.HPM", "hosting-party authentication uses the credentials held in the HPM"},
    // TS 33.320 clause 4.4.6: TLS inside the tunnel is a property of the inner H(e)MS link.
    {"P.TLS_INNER", "P.HEMS_INNER", "TLS inside the tunnel needs an H(e)MS reached through the tunnel"},
    // TS 36.423 / TS 33.320 clause 11: X2 is an E-UTRAN interface; between HNBs the direct link is Iurh.
    {"P.X2_DIRECT", "P.HENB", "X2 exists only between (H)eNBs"},
    // Not a rule: P.LIPA on an HNB (LIPA is defined for HNBs too, TS 23.060; clause 4.4.7 says H(e)NB).
    // Not a rule: P.ECDSA without P.SIGAUTH_7427 (RFC 4754 auth methods 9..11 need no RFC 7427).
};

}  // namespace

void check_pics_combinations(const Profile& profile, Diagnostics& diag) {
    if (!diag.written("pics")) return;  // the missing section is already reported
    const auto& pics = profile.pics;
    const auto at = [&](std::string_view name) { return diag.where("pics." + std::string(name)); };

    // One profile describes one device: an HNB (UTRAN, Iuh) or an HeNB (E-UTRAN, S1); the test set differs.
    if (pics.has("P.HNB") && pics.has("P.HENB")) {
        diag.error(
            at("P.HENB"),
            "pics: P.HNB and P.HENB are both true; a profile describes one device, declare exactly one");
    } else if (!pics.has("P.HNB") && !pics.has("P.HENB")) {
        diag.error(diag.where("pics"), "pics: declare exactly one of P.HNB or P.HENB as true");
    }

    // TS 33.320 clauses 4.2.3 and 8: every H(e)NB is managed by an H(e)MS, reached in one of two ways.
    if (!pics.has("P.HEMS_PUBLIC") && !pics.has("P.HEMS_INNER")) {
        diag.error(diag.where("pics"),
                   "pics: declare P.HEMS_PUBLIC and/or P.HEMS_INNER; an H(e)NB is managed by an H(e)MS");
    }

    for (const auto& rule : kPrerequisites) {
        if (pics.has(rule.name) && !pics.has(rule.needs)) {
            diag.error(at(rule.name), "pics." + std::string(rule.name) + ": needs " +
                                          std::string(rule.needs) + " (" + std::string(rule.why) + ")");
        }
    }
    for (const auto& rule : kNeedTunnel) {
        if (pics.has(rule.name) && pics.has(rule.with)) {
            diag.error(at(rule.name), "pics." + std::string(rule.name) + ": cannot be combined with " +
                                          std::string(rule.with) + " (" + std::string(rule.why) + ")");
        }
    }

    // The DUT must be able to verify and use what the lab PKI issues (TS 33.310 certificate profiles).
    const bool issues_p256 = std::find(profile.pki.flavours.begin(), profile.pki.flavours.end(),
                                       KeyFlavour::kP256) != profile.pki.flavours.end();
    if (diag.usable("pki.flavours") && issues_p256 && !pics.has("P.ECDSA")) {
        diag.error(
            diag.where("pki.flavours"),
            "pki.flavours: \"p256\" is listed but P.ECDSA is not declared; the DUT does not support ECDSA");
    }
}

}  // namespace hnbsec::profile::detail
