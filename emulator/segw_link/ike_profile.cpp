#include "emulator/segw_link/ike_profile.h"

#include <cctype>
#include <memory>

#include <arpa/inet.h>

#include "proto/ike/sa/credentials.h"
#include "proto/ike/sa/proposals.h"
#include "proto/ike/sa/wire.h"
#include "proto/ossl/certificate.h"

namespace hnbsec::emulator {
namespace {

ike::Id fqdn_id(const std::string& name) {
    return ike::Id{ike::IdType::kFqdn, ike::Bytes(name.begin(), name.end())};
}

Result<std::vector<ike::ProposalSpec>> parse_all(const std::vector<std::string>& texts,
                                                 ike::ProposalProtocol protocol, const std::string& key) {
    std::vector<ike::ProposalSpec> specs;
    for (const auto& text : texts) {
        auto spec = ike::parse_proposal(text, protocol);
        if (!spec.ok()) return std::move(spec).error().context("reading [segw] " + key);
        specs.push_back(std::move(*spec));
    }
    if (specs.empty()) return Error("[segw] " + key + " is empty");
    return specs;
}

char changed_hex_digit(char c) {
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    const std::string digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    const auto at = digits.find(c);
    if (at == std::string::npos) return c == '0' ? '1' : '0';
    return digits[(at + 1) % 16];
}

}  // namespace

std::string wrong_identity(const std::string& identity) {
    std::string out = identity;
    const auto dot = out.find('.');
    const auto end = dot == std::string::npos ? out.size() : dot;
    if (end == 0) return "0" + out;
    out[end - 1] = changed_hex_digit(out[end - 1]);
    return out;
}

Result<ike::TrafficSelector> ts_from_cidr(const std::string& cidr) {
    const auto slash = cidr.find('/');
    const std::string address = cidr.substr(0, slash);
    int prefix = 32;
    if (slash != std::string::npos) {
        const std::string bits = cidr.substr(slash + 1);
        if (bits.empty() || bits.size() > 2 || bits.find_first_not_of("0123456789") != std::string::npos)
            return Error("'" + cidr + "' has no prefix length 0..32");
        prefix = std::stoi(bits);
        if (prefix > 32) return Error("'" + cidr + "' has a prefix length above 32");
    }
    in_addr parsed{};
    if (inet_pton(AF_INET, address.c_str(), &parsed) != 1) return Error("'" + cidr + "' is no IPv4 network");
    const std::uint32_t host = ntohl(parsed.s_addr);
    const std::uint32_t mask = prefix == 0 ? 0 : ~std::uint32_t{0} << (32 - prefix);
    const std::uint32_t first = host & mask;
    const std::uint32_t last = first | ~mask;
    auto octets = [](std::uint32_t v) {
        return ike::Bytes{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                          static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
    };
    ike::TrafficSelector ts = ike::ts_any_ip4();
    ts.start_address = octets(first);
    ts.end_address = octets(last);
    return ts;
}

ike::ProposalSpec esp_without_integrity() {
    ike::ProposalSpec spec;
    spec.protocol = ike::ProposalProtocol::kEsp;
    spec.encr = {ike::EncrChoice{ike::EncrId::kAesCbc, 128}};
    spec.esn = {ike::EsnId::kNoEsn};
    return spec;  // no INTEG transform at all (RFC 4303 §3.2 requires one with a non-AEAD cipher)
}

Result<ike::IkeSaConfig> make_ike_config(const IkeProfileInputs& in) {
    const HenbConfig& config = *in.config;
    const DefectSet& defects = *in.defects;
    ike::IkeSaConfig c;

    const std::string identity =
        defects.has(Defect::kWrongIdi) ? wrong_identity(config.device.identity) : config.device.identity;
    c.local_id = fqdn_id(identity);
    c.remote_id = fqdn_id(config.segw.fqdn);  // IDr: the SeGW we mean (RFC 7296 §3.5)

    if (in.device_chain.empty()) return Error("the device chain holds no certificate");
    if (in.device_key == nullptr) return Error("no device key");
    c.credentials.chain = in.device_chain;
    c.credentials.signer = std::make_shared<ike::EvpSigner>(in.device_key);

    if (!defects.has(Defect::kNoTrustAnchorCertreq)) {
        for (const auto& anchor : in.trust_anchors) {
            HNBSEC_TRY(Der spki, ossl::subject_public_key_info(anchor));
            c.trust_anchor_spkis.push_back(std::move(spki));
        }
    }
    if (config.segw.ocsp_request && !defects.has(Defect::kNoOcspCertreq)) {
        std::vector<ike::Bytes> hashes;
        for (const auto& responder : in.ocsp_responders) {
            HNBSEC_TRY(Der spki, ossl::subject_public_key_info(responder));
            HNBSEC_TRY(ike::Bytes hash, ike::spki_sha1(spki));
            hashes.push_back(std::move(hash));
        }
        c.ocsp_responder_hashes = std::move(hashes);  // empty: a staple from any responder
    }

    HNBSEC_TRY(c.ike_proposals,
               parse_all(config.segw.ike_proposals, ike::ProposalProtocol::kIke, "ike_proposals"));
    HNBSEC_TRY(c.esp_proposals,
               parse_all(config.segw.esp_proposals, ike::ProposalProtocol::kEsp, "esp_proposals"));
    if (defects.has(Defect::kWeakIkeProposal)) {
        HNBSEC_TRY(ike::ProposalSpec weak,
                   ike::parse_proposal("3des-md5-modp1024", ike::ProposalProtocol::kIke));
        c.ike_proposals.insert(c.ike_proposals.begin(), std::move(weak));
        // The KE goes with the preferred (first) proposal's group, as a device would send it.
        c.initial_ke_group = ike::DhGroup::kModp1024;
    }
    if (defects.has(Defect::kEspNullIntegrity))
        c.esp_proposals.insert(c.esp_proposals.begin(), esp_without_integrity());

    c.ts_local = {ike::ts_any_ip4()};  // the SeGW narrows it to the inner address it assigns
    for (const auto& network : config.segw.remote_networks) {
        auto ts = ts_from_cidr(network);
        if (!ts.ok()) return std::move(ts).error().context("reading [segw] remote_networks");
        c.ts_remote.push_back(std::move(*ts));
    }
    if (c.ts_remote.empty()) c.ts_remote = {ike::ts_any_ip4()};

    const bool cp = !defects.has(Defect::kNoCpRequest);
    c.request_address = cp;
    c.request_dns = cp;
    c.nat.force_encap = config.segw.force_nat_t;
    c.initiator_knobs.send_nat_detection = !defects.has(Defect::kNoNatDetection);
    c.initiator_knobs.answer_liveness = !defects.has(Defect::kIgnoreLiveness);
    if (defects.has(Defect::kRequestTransportMode)) {
        // RFC 7296 §1.3.1: asks for transport mode; TS 33.320 wants the tunnel.
        c.extra_auth_payloads.push_back(ike::notify_payload(ike::NotifyType::kUseTransportMode));
    }
    // Retransmissions fit the configured attempt time: 0.5+1+2+4+8 s.
    c.retransmit.base = std::chrono::milliseconds(500);
    c.retransmit.max_tries = 5;
    return c;
}

}  // namespace hnbsec::emulator
