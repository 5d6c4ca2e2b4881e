#include "harness/profile/pics.h"

#include <algorithm>
#include <cassert>

namespace hnbsec::profile {
namespace {

constexpr PicsItem kCatalogue[] = {
    {"P.HNB", "the DUT is an HNB (UTRAN, Iuh)"},
    {"P.HENB", "the DUT is an HeNB (E-UTRAN, S1)"},
    {"P.HPM", "a Hosting Party Module (UICC) is fitted (TS 33.320 clause 5.1.1)"},
    {"P.HPAUTH", "hosting-party authentication with EAP-AKA after device authentication (clause 7.2)"},
    {"P.OCSP_INBAND", "SeGW certificate status via OCSP inside IKEv2 (RFC 4806)"},
    {"P.OCSP_DIRECT", "SeGW certificate status by querying an OCSP responder directly (RFC 6960)"},
    {"P.CRL", "SeGW certificate status via CRLs fetched from the CDP (RFC 5280)"},
    {"P.HEMS_PUBLIC", "the initial H(e)MS is reached on the public side, outside the tunnel"},
    {"P.HEMS_INNER", "the serving H(e)MS is reached inside the IPsec tunnel"},
    {"P.TLS_INNER", "TLS is used to the H(e)MS even inside the tunnel"},
    {"P.TIME_INNER", "time is synchronised with a server inside the tunnel"},
    {"P.TIME_OUTER_SECURE", "time is synchronised securely with a server outside the tunnel"},
    {"P.NATT", "IKEv2 NAT traversal / UDP encapsulation of ESP (RFC 7296, RFC 3948)"},
    {"P.IPV6_INNER", "IPv6 inner (tunnel) addresses"},
    {"P.IPV6_OUTER", "IPv6 on the backhaul (outer addresses)"},
    {"P.ECDSA", "ECDSA device certificates and signatures (P-256)"},
    {"P.SIGAUTH_7427", "IKEv2 digital-signature authentication (RFC 7427)"},
    {"P.IKE_FRAG", "IKEv2 message fragmentation (RFC 7383)"},
    {"P.LOC_IP", "location verification by backhaul IP address"},
    {"P.LOC_MACRO", "location verification by surrounding macro-cell information"},
    {"P.LOC_GNSS", "location verification by GNSS"},
    {"P.NONCSG_ACL", "access control for non-CSG (open/hybrid) operation"},
    {"P.LIPA", "Local IP Access through a collocated L-GW (clause 4.4.7)"},
    {"P.X2_DIRECT", "direct X2 between HeNBs (clause 4.4.8, clause 11)"},
    {"P.CERT_ENROLL", "device certificate enrolment (TS 33.310, CMPv2)"},
    {"P.IPSEC_OFF", "runs with the backhaul IPsec tunnel switched off (trusted backhaul)"},
};

static_assert(std::size(kCatalogue) == Pics::kNames, "keep Pics::kNames in step with the catalogue");

std::size_t index_of(std::string_view name) {
    const auto* found = std::find_if(std::begin(kCatalogue), std::end(kCatalogue),
                                     [&](const PicsItem& item) { return item.name == name; });
    return static_cast<std::size_t>(found - std::begin(kCatalogue));
}

}  // namespace

std::span<const PicsItem> pics_catalogue() {
    return kCatalogue;
}

bool is_pics_name(std::string_view name) {
    return index_of(name) < std::size(kCatalogue);
}

void Pics::set(std::string_view name, bool supported) {
    const auto index = index_of(name);
    assert(index < kNames && "unknown PICS name");
    if (index < kNames) supported_[index] = supported;
}

bool Pics::has(std::string_view name) const {
    const auto index = index_of(name);
    assert(index < kNames && "unknown PICS name");
    return index < kNames && supported_[index];
}

std::vector<std::string> Pics::declared() const {
    std::vector<std::string> names;
    for (std::size_t i = 0; i < kNames; ++i) {
        if (supported_[i]) names.emplace_back(kCatalogue[i].name);
    }
    return names;
}

}  // namespace hnbsec::profile
