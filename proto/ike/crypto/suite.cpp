#include "proto/ike/crypto/suite.h"

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/dh.h"
#include "proto/ike/crypto/integrity.h"
#include "proto/ike/crypto/prf.h"

namespace hnbsec::ike {
namespace {

std::string strip(std::string name, std::string_view prefix) {
    if (name.starts_with(prefix)) name.erase(0, prefix.size());
    return name;
}

}  // namespace

Status check_suite(const Suite& s, ProposalProtocol protocol) {
    const bool ike = protocol == ProposalProtocol::kIke;
    const std::string what = std::string(ike ? "IKE" : "ESP") + " suite " + to_string(s, protocol);
    if (ike && s.encr == EncrId::kNull)
        return Error(what + ": ENCR_NULL is not allowed for IKE (RFC 7296 §3.3.2)");
    auto facts = encr_facts(s.encr, s.encr_key_bits);
    if (!facts.ok()) return Error(what + ": " + facts.error().what());
    if (facts->aead && s.integ != IntegId::kNone)
        return Error(what + ": an AEAD cipher takes no integrity transform (RFC 5282 §8)");
    if (!facts->aead && s.integ == IntegId::kNone && (ike || s.encr == EncrId::kNull))
        return Error(what + ": an integrity transform is needed with " + to_string(s.encr));
    if (s.integ != IntegId::kNone && !integ_supported(s.integ))
        return Error(what + ": " + to_string(s.integ) + " is not supported");
    if (ike && !prf_supported(s.prf)) return Error(what + ": " + to_string(s.prf) + " is not supported");
    if (s.dh != DhGroup::kNone && !dh_supported(s.dh))
        return Error(what + ": " + to_string(s.dh) + " is not supported");
    return Ok{};
}

Result<Suite> suite_from_proposal(const ProposalSpec& p) {
    if (p.encr.empty()) return Error("proposal has no encryption algorithm");
    Suite s;
    s.encr = p.encr.front().id;
    s.encr_key_bits = p.encr.front().key_bits;
    s.integ = p.integ.empty() ? IntegId::kNone : p.integ.front();
    if (p.protocol == ProposalProtocol::kIke) {
        if (p.prf.empty()) return Error("IKE proposal has no PRF");
        s.prf = p.prf.front();
    }
    s.dh = p.dh.empty() ? DhGroup::kNone : p.dh.front();
    HNBSEC_CHECK(check_suite(s, p.protocol));
    return s;
}

Result<Suite> parse_suite(std::string_view proposal, ProposalProtocol protocol) {
    HNBSEC_TRY(ProposalSpec p, parse_proposal(proposal, protocol));
    return suite_from_proposal(p);
}

std::string to_string(const Suite& s, ProposalProtocol protocol) {
    std::string text = strip(to_string(s.encr), "ENCR_");
    if (s.encr_key_bits != 0) text += "_" + std::to_string(s.encr_key_bits);
    if (s.integ != IntegId::kNone) text += "/" + strip(to_string(s.integ), "AUTH_");
    if (protocol == ProposalProtocol::kIke) text += "/" + to_string(s.prf);
    if (s.dh != DhGroup::kNone) text += "/" + to_string(s.dh);
    return text;
}

}  // namespace hnbsec::ike
