#include "harness/profile/profile.h"

namespace hnbsec::profile {

std::string_view to_string(Release release) {
    return release == Release::kRel9 ? "rel-9" : "rel-15";
}

std::string_view to_string(DutKind kind) {
    switch (kind) {
        case DutKind::kEmulated:
            return "emulated";
        case DutKind::kExternal:
            return "external";
        case DutKind::kStrongswan:
            return "strongswan";
    }
    return "?";
}

std::string_view to_string(KeyFlavour flavour) {
    return flavour == KeyFlavour::kRsa2048 ? "rsa2048" : "p256";
}

}  // namespace hnbsec::profile
