#include "proto/ike/sa/proposals.h"

#include <algorithm>

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/sa.h"

namespace hnbsec::ike {

namespace {

std::uint16_t id16(auto value) {
    return static_cast<std::uint16_t>(value);
}

bool is_aead(EncrId id) {
    return id == EncrId::kAesGcm8 || id == EncrId::kAesGcm12 || id == EncrId::kAesGcm16 ||
           id == EncrId::kChacha20Poly1305;
}

}  // namespace

Proposal to_proposal(const ProposalSpec& spec, std::uint8_t number, Bytes spi) {
    std::vector<Transform> ts;
    for (const auto& e : spec.encr) {
        ts.push_back(e.key_bits != 0 ? transform_with_key_length(TransformType::kEncr, id16(e.id), e.key_bits)
                                     : transform(TransformType::kEncr, id16(e.id)));
    }
    if (spec.protocol == ProposalProtocol::kIke) {
        for (auto p : spec.prf) ts.push_back(transform(TransformType::kPrf, id16(p)));
    }
    for (auto i : spec.integ) ts.push_back(transform(TransformType::kInteg, id16(i)));
    for (auto d : spec.dh) ts.push_back(transform(TransformType::kDh, id16(d)));
    if (spec.protocol == ProposalProtocol::kEsp) {
        if (spec.esn.empty()) {
            ts.push_back(transform(TransformType::kEsn, id16(EsnId::kNoEsn)));
        } else {
            for (auto e : spec.esn) ts.push_back(transform(TransformType::kEsn, id16(e)));
        }
    }
    return proposal(number, spec.protocol == ProposalProtocol::kIke ? ProtocolId::kIke : ProtocolId::kEsp,
                    std::move(spi), std::move(ts));
}

Sa to_sa(const std::vector<ProposalSpec>& specs, const Bytes& spi) {
    Sa sa;
    std::uint8_t n = 1;
    for (const auto& s : specs) sa.proposals.push_back(to_proposal(s, n++, spi));
    return sa;
}

namespace {

std::optional<ChosenProposal> match(const Proposal& peer, const ProposalSpec& ours,
                                    std::optional<DhGroup> preferred_group, std::string* why) {
    const bool ike = peer.protocol == ProtocolId::kIke;
    ChosenProposal out;
    out.reply.number = peer.number;
    out.reply.protocol = peer.protocol;
    out.reply.spi = peer.spi;
    for (const auto& t : peer.transforms) {
        auto type = static_cast<std::uint8_t>(t.type);
        if (type < 1 || type > 5) {
            *why = "unknown transform type " + std::to_string(type);
            return std::nullopt;
        }
    }
    // ENCR
    const Transform* encr = nullptr;
    for (const Transform* t : transforms_of(peer, TransformType::kEncr)) {
        for (const auto& c : ours.encr) {
            if (id16(c.id) == t->id && key_length(*t).value_or(0) == c.key_bits) {
                encr = t;
                out.suite.encr = c.id;
                out.suite.encr_key_bits = c.key_bits;
                break;
            }
        }
        if (encr != nullptr) break;
    }
    if (encr == nullptr) {
        *why = "no acceptable encryption algorithm";
        return std::nullopt;
    }
    out.reply.transforms.push_back(*encr);
    // PRF (IKE only)
    if (ike) {
        const Transform* prf = nullptr;
        for (const Transform* t : transforms_of(peer, TransformType::kPrf)) {
            if (std::find(ours.prf.begin(), ours.prf.end(), static_cast<PrfId>(t->id)) != ours.prf.end()) {
                prf = t;
                break;
            }
        }
        if (prf == nullptr) {
            *why = "no acceptable PRF";
            return std::nullopt;
        }
        out.suite.prf = static_cast<PrfId>(prf->id);
        out.reply.transforms.push_back(*prf);
    }
    // INTEG: none with AEAD (RFC 5282 §8)
    if (is_aead(out.suite.encr)) {
        for (const Transform* t : transforms_of(peer, TransformType::kInteg)) {
            if (t->id != 0) {
                *why = "integrity transform proposed with an AEAD cipher";
                return std::nullopt;
            }
        }
        out.suite.integ = IntegId::kNone;
    } else {
        const Transform* integ = nullptr;
        for (const Transform* t : transforms_of(peer, TransformType::kInteg)) {
            if (std::find(ours.integ.begin(), ours.integ.end(), static_cast<IntegId>(t->id)) !=
                ours.integ.end()) {
                integ = t;
                break;
            }
        }
        if (integ == nullptr) {
            *why = "no acceptable integrity algorithm";
            return std::nullopt;
        }
        out.suite.integ = static_cast<IntegId>(integ->id);
        out.reply.transforms.push_back(*integ);
    }
    // DH: mandatory for IKE; ignored for the Child SA of IKE_AUTH (RFC 7296 §1.2).
    if (ike) {
        for (const Transform* t : transforms_of(peer, TransformType::kDh)) {
            auto g = static_cast<DhGroup>(t->id);
            if (std::find(ours.dh.begin(), ours.dh.end(), g) != ours.dh.end())
                out.acceptable_groups.push_back(g);
        }
        if (out.acceptable_groups.empty()) {
            *why = "no acceptable Diffie-Hellman group";
            return std::nullopt;
        }
        DhGroup chosen = out.acceptable_groups.front();
        if (preferred_group && std::find(out.acceptable_groups.begin(), out.acceptable_groups.end(),
                                         *preferred_group) != out.acceptable_groups.end()) {
            chosen = *preferred_group;
        }
        out.suite.dh = chosen;
        out.reply.transforms.push_back(transform(TransformType::kDh, id16(chosen)));
    } else {
        out.suite.dh = DhGroup::kNone;
        auto peer_esn = transforms_of(peer, TransformType::kEsn);
        std::vector<EsnId> ours_esn = ours.esn.empty() ? std::vector<EsnId>{EsnId::kNoEsn} : ours.esn;
        if (peer_esn.empty()) {
            if (std::find(ours_esn.begin(), ours_esn.end(), EsnId::kNoEsn) == ours_esn.end()) {
                *why = "no acceptable ESN setting";
                return std::nullopt;
            }
        } else {
            const Transform* esn = nullptr;
            for (const Transform* t : peer_esn) {
                if (std::find(ours_esn.begin(), ours_esn.end(), static_cast<EsnId>(t->id)) !=
                    ours_esn.end()) {
                    esn = t;
                    break;
                }
            }
            if (esn == nullptr) {
                *why = "no acceptable ESN setting";
                return std::nullopt;
            }
            out.esn = esn->id == id16(EsnId::kEsn);
            out.reply.transforms.push_back(*esn);
        }
    }
    auto checked = check_suite(out.suite, ike ? ProposalProtocol::kIke : ProposalProtocol::kEsp);
    if (!checked.ok()) {
        *why = checked.error().message();
        return std::nullopt;
    }
    return out;
}

}  // namespace

std::optional<ChosenProposal> choose_proposal(const Sa& peer, const std::vector<ProposalSpec>& ours,
                                              ProtocolId protocol, std::optional<DhGroup> preferred_group,
                                              std::string* why) {
    std::string last = "no proposal";
    for (const auto& p : peer.proposals) {
        if (p.protocol != protocol) {
            last = "proposal " + std::to_string(p.number) + ": protocol " + protocol_id_name(p.protocol);
            continue;
        }
        for (const auto& spec : ours) {
            std::string reason;
            auto m = match(p, spec, preferred_group, &reason);
            if (m) return m;
            last = "proposal " + std::to_string(p.number) + ": " + reason;
        }
    }
    if (why != nullptr) *why = last;
    return std::nullopt;
}

namespace {

bool less_eq(const Bytes& a, const Bytes& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end()) || a == b;
}

}  // namespace

std::vector<TrafficSelector> narrow(const std::vector<TrafficSelector>& peer,
                                    const std::vector<TrafficSelector>& ours) {
    std::vector<TrafficSelector> out;
    for (const auto& p : peer) {
        for (const auto& o : ours) {
            if (p.type != o.type || p.start_address.size() != o.start_address.size() ||
                p.end_address.size() != o.end_address.size()) {
                continue;
            }
            if (p.ip_protocol != 0 && o.ip_protocol != 0 && p.ip_protocol != o.ip_protocol) continue;
            TrafficSelector r;
            r.type = p.type;
            r.ip_protocol = p.ip_protocol != 0 ? p.ip_protocol : o.ip_protocol;
            r.start_port = std::max(p.start_port, o.start_port);
            r.end_port = std::min(p.end_port, o.end_port);
            r.start_address = less_eq(p.start_address, o.start_address) ? o.start_address : p.start_address;
            r.end_address = less_eq(p.end_address, o.end_address) ? p.end_address : o.end_address;
            if (r.start_port > r.end_port || !less_eq(r.start_address, r.end_address)) continue;
            out.push_back(std::move(r));
        }
    }
    return out;
}

TrafficSelector ts_single_ip4(const Bytes& ip) {
    TrafficSelector ts;
    ts.start_address = ip;
    ts.end_address = ip;
    return ts;
}

TrafficSelector ts_any_ip4() {
    TrafficSelector ts;
    ts.start_address = Bytes(4, 0);
    ts.end_address = Bytes(4, 0xff);
    return ts;
}

}  // namespace hnbsec::ike
