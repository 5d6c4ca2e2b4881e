#include "emulator/defects/defect.h"

namespace hnbsec::emulator {
namespace {

// One row per defect, in enum order (checked by defect_test).
constexpr std::array<DefectInfo, kDefectCount> kDefects{{
    {Defect::kAcceptUntrustedSegwCert, "accept-untrusted-segw-cert", "HNB-REQ-DEVAUTH-007",
     "completes IKE_AUTH with a SeGW certificate that does not chain to its trust anchors"},
    {Defect::kSkipSegwIdentityCheck, "skip-segw-identity-check", "HNB-REQ-DEVAUTH-008",
     "completes IKE_AUTH when the SeGW certificate and IDr name another host than the configured SeGW"},
    {Defect::kAcceptExpiredSegwCert, "accept-expired-segw-cert", "HNB-REQ-DEVAUTH-010",
     "completes IKE_AUTH with a SeGW certificate outside its validity period"},
    {Defect::kWrongIdi, "wrong-idi", "HNB-REQ-DEVAUTH-005",
     "IDi names another device than its certificate (EUI + 1)"},
    {Defect::kNoTrustAnchorCertreq, "no-trust-anchor-certreq", "HNB-REQ-DEVAUTH-014",
     "IKE_SA_INIT/IKE_AUTH carry no CERTREQ (X.509 Signature) naming its trust anchors"},
    {Defect::kNoOcspCertreq, "no-ocsp-certreq", "HNB-REQ-REV-003",
     "IKE_AUTH carries no CERTREQ(OCSP Content): the SeGW is never asked for its OCSP status"},
    {Defect::kIgnoreOcspRevoked, "ignore-ocsp-revoked", "HNB-REQ-REV-007",
     "brings the tunnel up although the stapled OCSP response says the SeGW certificate is revoked"},
    {Defect::kAcceptUnverifiedOcsp, "accept-unverified-ocsp", "HNB-REQ-REV-006",
     "accepts a stapled OCSP response without checking who signed it"},
    {Defect::kWeakIkeProposal, "weak-ike-proposal", "HNB-REQ-IKE-002",
     "IKE_SA_INIT offers 3DES / HMAC-MD5 / DH group 2 (MODP-1024) first"},
    {Defect::kEspNullIntegrity, "esp-null-integrity", "HNB-REQ-BH-007",
     "IKE_AUTH offers an ESP proposal with AES-CBC and no integrity first"},
    {Defect::kNoCpRequest, "no-cp-request", "HNB-REQ-IKE-004",
     "IKE_AUTH carries no CP(CFG_REQUEST): no inner address is asked for"},
    {Defect::kNoNatDetection, "no-nat-detection", "HNB-REQ-IKE-007",
     "IKE_SA_INIT carries no NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP"},
    {Defect::kIgnoreLiveness, "ignore-liveness", "HNB-REQ-IKE-010",
     "never answers the SeGW's INFORMATIONAL requests (liveness checks)"},
    {Defect::kNoEspReplayCheck, "no-esp-replay-check", "HNB-REQ-IKE-013",
     "accepts and delivers replayed ESP packets (no anti-replay window)"},
    {Defect::kRequestTransportMode, "request-transport-mode", "HNB-REQ-IKE-006",
     "IKE_AUTH carries N(USE_TRANSPORT_MODE)"},
    {Defect::kNtpOutsideTunnel, "ntp-outside-tunnel", "HNB-REQ-TIME-002",
     "sends its NTP requests for the inner time server in clear on the backhaul"},
    {Defect::kTrafficBeforeAuth, "traffic-before-auth", "HNB-REQ-DEVAUTH-015",
     "sends an NTP request towards the operator network before IKE_AUTH has completed"},
    {Defect::kCwmpOutsideTunnel, "cwmp-outside-tunnel", "HNB-REQ-BH-005",
     "opens its CWMP session to the inner H(e)MS in clear on the backhaul, not through the tunnel"},
    {Defect::kCwmpPlainHttp, "cwmp-plain-http", "HNB-REQ-HEMS-006",
     "talks CWMP to its https ACS URL in plain HTTP (no TLS)"},
    {Defect::kAcceptTls10, "accept-tls10", "HNB-REQ-HEMS-005",
     "its TLS ClientHello offers TLS 1.0 and 1.1 besides 1.2/1.3"},
    {Defect::kAcceptUntrustedHemsCert, "accept-untrusted-hems-cert", "HNB-REQ-HEMS-004",
     "completes the TLS handshake with an H(e)MS certificate that does not chain to its trust anchors"},
    {Defect::kSkipHemsHostnameCheck, "skip-hems-hostname-check", "HNB-REQ-HEMS-004",
     "completes the TLS handshake with an H(e)MS certificate that does not name the ACS URL's host"},
    {Defect::kNoTlsClientCert, "no-tls-client-cert", "HNB-REQ-HEMS-002",
     "answers the H(e)MS's CertificateRequest with no certificate"},
    {Defect::kIgnoreHpmRemoval, "ignore-hpm-removal", "HNB-REQ-HPM-002",
     "keeps its IKE SA and traffic after the HPM is removed (no DELETE)"},
    {Defect::kIgnoreIntegrityFailure, "ignore-integrity-failure", "HNB-REQ-TRE-005",
     "connects to the SeGW although its image failed the integrity check"},
    {Defect::kSkipNtpOriginCheck, "skip-ntp-origin-check", "HNB-REQ-TIME-006",
     "takes the time from an NTP response whose origin timestamp is not its request's"},
}};

}  // namespace

std::span<const DefectInfo> all_defects() {
    return kDefects;
}

const DefectInfo& info(Defect defect) {
    return kDefects[static_cast<std::size_t>(defect)];
}

std::optional<Defect> defect_from_name(std::string_view name) {
    for (const auto& d : kDefects) {
        if (d.name == name) return d.defect;
    }
    return std::nullopt;
}

void DefectSet::clear_all() {
    for (auto& bit : bits_) bit.store(false, std::memory_order_relaxed);
}

std::vector<std::string> DefectSet::names() const {
    std::vector<std::string> out;
    for (const auto& d : kDefects) {
        if (has(d.defect)) out.emplace_back(d.name);
    }
    return out;
}

}  // namespace hnbsec::emulator
