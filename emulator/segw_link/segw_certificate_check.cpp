#include "emulator/segw_link/segw_certificate_check.h"

#include <algorithm>

#include "proto/ossl/certificate.h"
#include "proto/ossl/chain_verify.h"
#include "proto/ossl/ocsp_verify.h"

namespace hnbsec::emulator {
namespace {

// Clock skew the device tolerates on thisUpdate/nextUpdate (RFC 6960 §4.2.2.1 leaves it local).
constexpr long kOcspSkewSeconds = 300;

std::string joined(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text.empty() ? "none" : text;
}

Status check_identity(X509* leaf, const ike::Id& idr, const std::string& fqdn) {
    if (idr.type != ike::IdType::kFqdn)
        return Error("IDr type " + std::to_string(static_cast<int>(idr.type)) + " is not ID_FQDN '" + fqdn +
                     "'");
    const std::string claimed(idr.data.begin(), idr.data.end());
    if (!ossl::same_dns_name(claimed, fqdn))
        return Error("IDr '" + claimed + "' is not the SeGW '" + fqdn + "'");
    const auto names = ossl::dns_names_of(leaf);
    if (std::none_of(names.begin(), names.end(),
                     [&](const std::string& n) { return ossl::same_dns_name(n, fqdn); }))
        return Error("the SeGW certificate does not name '" + fqdn +
                     "' (SubjectAltName dNSNames: " + joined(names) + ")");
    return Ok{};
}

// The issuer of `leaf` among the SeGW's intermediates and the trust anchors.
X509* issuer_of(X509* leaf, const std::vector<ossl::X509Ptr>& candidates) {
    for (const auto& c : candidates) {
        if (X509_check_issued(c.get(), leaf) == X509_V_OK) return c.get();
    }
    return nullptr;
}

// The staple's verdict as the device logs it: "OCSP good", "OCSP revoked (reason ...)".
Result<std::string> check_staple(const Der& staple, X509* leaf, X509* issuer, STACK_OF(X509) * untrusted,
                                 X509_STORE* store, const SegwCheckPolicy& policy,
                                 const std::string& subject) {
    ossl::OcspCheck check;
    check.certificate = leaf;
    check.issuer = issuer;
    check.untrusted = untrusted;
    check.trust = policy.accept_unverified_ocsp ? nullptr : store;
    check.now = policy.now;
    check.tolerance_seconds = kOcspSkewSeconds;
    check.clock = "the device clock";
    auto answer = ossl::check_ocsp_response(staple, check);
    if (!answer.ok()) return Error("the stapled OCSP response is refused: " + answer.error().message());
    std::string detail = answer->status == ossl::CertStatus::kRevoked ? "reason " + answer->reason : "";
    if (policy.accept_unverified_ocsp)
        detail += (detail.empty() ? "" : ", ") + std::string("signature not verified");
    const std::string said =
        "OCSP " + ossl::to_string(answer->status) + (detail.empty() ? "" : " (" + detail + ")");
    if (answer->status == ossl::CertStatus::kRevoked && !policy.ignore_ocsp_revoked)
        return Error("SeGW certificate '" + subject + "' is revoked: " + said);
    if (answer->status == ossl::CertStatus::kUnknown && policy.ocsp_required)
        return Error("SeGW certificate '" + subject + "': " + said + " and a status is required");
    return said;
}

}  // namespace

Result<SegwCheckResult> check_segw(const std::vector<Der>& chain, const ike::Id& idr,
                                   const std::optional<Der>& ocsp_staple, const SegwCheckPolicy& policy) {
    if (chain.empty()) return Error("the SeGW sent no certificate (no CERT payload with encoding 4)");
    HNBSEC_TRY(ossl::X509Ptr leaf,
               ossl::parse_certificate(chain.front(), "the SeGW's end-entity CERT payload"));
    SegwCheckResult result;
    result.subject = ossl::subject_of(leaf.get());

    HNBSEC_TRY(ossl::X509StorePtr store, ossl::trust_store(policy.trust_anchors, "trust anchor"));
    ossl::X509StackPtr untrusted(sk_X509_new_null());
    if (!untrusted) return Error("OpenSSL could not set up a certificate store");
    std::vector<ossl::X509Ptr> issuers;  // intermediates, then anchors
    for (std::size_t i = 1; i < chain.size(); ++i) {
        HNBSEC_TRY(ossl::X509Ptr cert,
                   ossl::parse_certificate(chain[i], "CERT payload " + std::to_string(i + 1)));
        X509_up_ref(cert.get());
        sk_X509_push(untrusted.get(), cert.get());
        issuers.push_back(std::move(cert));
    }
    STACK_OF(X509)* anchors = X509_STORE_get1_all_certs(store.get());
    for (int i = 0; anchors != nullptr && i < sk_X509_num(anchors); ++i)
        issuers.emplace_back(sk_X509_value(anchors, i));
    sk_X509_free(anchors);  // the references moved into `issuers`

    // The device clock, for the OCSP signer's chain too. OpenSSL lets a set time win over
    // NO_CHECK_TIME, so the defect sets only the latter.
    X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
    if (policy.accept_expired) {
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
    } else {
        X509_VERIFY_PARAM_set_time(param, policy.now);
    }
    if (!policy.accept_untrusted) {
        if (policy.trust_anchors.empty()) return Error("no trust anchor configured for the SeGW");
        auto verified = ossl::verify_chain(store.get(), leaf.get(), untrusted.get());
        if (!verified.ok())
            return Error("SeGW certificate '" + result.subject + "' refused: " + verified.error().message());
    }
    if (!policy.skip_identity) HNBSEC_CHECK(check_identity(leaf.get(), idr, policy.segw_fqdn));

    if (!ocsp_staple) {
        if (!policy.ocsp_requested) {
            result.revocation = "OCSP not requested";
        } else if (policy.ocsp_required) {
            return Error("the SeGW stapled no OCSP response and one is required (RFC 4806)");
        } else {
            result.revocation = "no OCSP staple (soft-fail)";
        }
    } else {
        X509* issuer = issuer_of(leaf.get(), issuers);
        if (issuer == nullptr)
            return Error("the issuer of the SeGW certificate is unknown: cannot check its OCSP status");
        HNBSEC_TRY(result.revocation, check_staple(*ocsp_staple, leaf.get(), issuer, untrusted.get(),
                                                   store.get(), policy, result.subject));
    }

    result.public_key.reset(X509_get_pubkey(leaf.get()));
    if (!result.public_key) return Error("cannot read the public key of '" + result.subject + "'");
    return result;
}

}  // namespace hnbsec::emulator
