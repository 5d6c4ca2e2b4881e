#include "proto/ike/payload_rules.h"

#include "proto/ike/payload_layouts.h"

namespace hnbsec::ike::detail {
namespace {

template <typename Body>
Status decode_as(LayoutDecoder& io, PayloadBody& body) {
    Body decoded{};
    HNBSEC_CHECK(layout(io, decoded));
    body = std::move(decoded);
    return Ok{};
}

// Minimum sizes are the fixed fields of each body: SA needs one proposal header, EAP
// the code/identifier/length of an EAP packet (RFC 3748 §4), SKF its two counters.
constexpr PayloadRule kRules[] = {
    {PayloadType::kSa, 8, false, &decode_as<Sa>},
    {PayloadType::kKe, 4, false, &decode_as<Ke>},
    {PayloadType::kIdi, 4, false, &decode_as<Id>},
    {PayloadType::kIdr, 4, false, &decode_as<Id>},
    {PayloadType::kCert, 1, false, &decode_as<Cert>},
    {PayloadType::kCertReq, 1, false, &decode_as<CertReq>},
    {PayloadType::kAuth, 4, false, &decode_as<Auth>},
    {PayloadType::kNonce, 0, false, &decode_as<Nonce>},
    {PayloadType::kNotify, 4, false, &decode_as<Notify>},
    {PayloadType::kDelete, 4, false, &decode_as<Delete>},
    {PayloadType::kVendorId, 0, false, &decode_as<VendorId>},
    {PayloadType::kTsi, 4, false, &decode_as<Ts>},
    {PayloadType::kTsr, 4, false, &decode_as<Ts>},
    {PayloadType::kSk, 0, true, &decode_as<Sk>},
    {PayloadType::kCp, 4, false, &decode_as<Cp>},
    {PayloadType::kEap, 4, false, &decode_as<Eap>},
    {PayloadType::kSkf, 4, true, &decode_as<Skf>},
};

}  // namespace

const PayloadRule* find_payload_rule(PayloadType type) {
    for (const auto& rule : kRules) {
        if (rule.type == type) return &rule;
    }
    return nullptr;
}

}  // namespace hnbsec::ike::detail
