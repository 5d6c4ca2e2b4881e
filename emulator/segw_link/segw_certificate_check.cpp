#include "emulator/segw_link/segw_certificate_check.h"

#include <algorithm>
#include <cctype>

#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "emulator/segw_link/ocsp_staple_check.h"

namespace hnbsec::emulator {
namespace {

using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, OsslFree<GENERAL_NAMES_free>>;

std::string subject_of(X509* cert) {
    std::unique_ptr<BIO, OsslFree<BIO_free>> bio(BIO_new(BIO_s_mem()));
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::vector<std::string> dns_names_of(X509* cert) {
    std::vector<std::string> names;
    GeneralNamesPtr sans(
        static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr)));
    if (!sans) return names;
    for (int i = 0; i < sk_GENERAL_NAME_num(sans.get()); ++i) {
        const GENERAL_NAME* name = sk_GENERAL_NAME_value(sans.get(), i);
        if (name->type != GEN_DNS) continue;
        const ASN1_STRING* s = name->d.dNSName;
        names.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                           static_cast<std::size_t>(ASN1_STRING_length(s)));
    }
    return names;
}

// DNS names compare without regard to case (RFC 4343).
bool same_name(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

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
    if (!same_name(claimed, fqdn)) return Error("IDr '" + claimed + "' is not the SeGW '" + fqdn + "'");
    const auto names = dns_names_of(leaf);
    if (std::none_of(names.begin(), names.end(), [&](const std::string& n) { return same_name(n, fqdn); }))
        return Error("the SeGW certificate does not name '" + fqdn +
                     "' (SubjectAltName dNSNames: " + joined(names) + ")");
    return Ok{};
}

// The issuer of `leaf` among the SeGW's intermediates and the trust anchors.
X509* issuer_of(X509* leaf, const std::vector<X509Ptr>& candidates) {
    for (const auto& c : candidates) {
        if (X509_check_issued(c.get(), leaf) == X509_V_OK) return c.get();
    }
    return nullptr;
}

}  // namespace

Result<SegwCheckResult> check_segw(const std::vector<Der>& chain, const ike::Id& idr,
                                   const std::optional<Der>& ocsp_staple, const SegwCheckPolicy& policy) {
    if (chain.empty()) return Error("the SeGW sent no certificate (no CERT payload with encoding 4)");
    HNBSEC_TRY(X509Ptr leaf, parse_der_certificate(chain.front(), "the SeGW's end-entity CERT payload"));
    SegwCheckResult result;
    result.subject = subject_of(leaf.get());

    X509StorePtr store(X509_STORE_new());
    X509StackPtr untrusted(sk_X509_new_null());
    if (!store || !untrusted) return Error("OpenSSL could not set up a certificate store");
    std::vector<X509Ptr> issuers;  // intermediates, then anchors
    for (std::size_t i = 1; i < chain.size(); ++i) {
        HNBSEC_TRY(X509Ptr cert, parse_der_certificate(chain[i], "CERT payload " + std::to_string(i + 1)));
        X509_up_ref(cert.get());
        sk_X509_push(untrusted.get(), cert.get());
        issuers.push_back(std::move(cert));
    }
    for (std::size_t i = 0; i < policy.trust_anchors.size(); ++i) {
        HNBSEC_TRY(X509Ptr anchor,
                   parse_der_certificate(policy.trust_anchors[i], "trust anchor " + std::to_string(i + 1)));
        X509_STORE_add_cert(store.get(), anchor.get());  // the store takes its own reference
        issuers.push_back(std::move(anchor));
    }
    X509_VERIFY_PARAM* param = X509_STORE_get0_param(store.get());
    // The device clock, for the OCSP signer's chain too. OpenSSL lets a set time win over
    // NO_CHECK_TIME, so the defect sets only the latter.
    if (policy.accept_expired) {
        X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_NO_CHECK_TIME);
    } else {
        X509_VERIFY_PARAM_set_time(param, policy.now);
    }

    if (!policy.accept_untrusted) {
        if (policy.trust_anchors.empty()) return Error("no trust anchor configured for the SeGW");
        X509StoreCtxPtr ctx(X509_STORE_CTX_new());
        if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf.get(), untrusted.get()) != 1)
            return Error("OpenSSL could not set up certificate verification");
        if (X509_verify_cert(ctx.get()) != 1) {
            const int code = X509_STORE_CTX_get_error(ctx.get());
            return Error("SeGW certificate '" + result.subject + "' refused: " +
                         X509_verify_cert_error_string(code) + " (X.509 error " + std::to_string(code) +
                         " at depth " + std::to_string(X509_STORE_CTX_get_error_depth(ctx.get())) + ")");
        }
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
        OcspStapleInputs in;
        in.certificate = leaf.get();
        in.issuer = issuer;
        in.untrusted = untrusted.get();
        in.trust = store.get();
        in.now = policy.now;
        in.verify_signature = !policy.accept_unverified_ocsp;
        HNBSEC_TRY(OcspStapleVerdict verdict, check_ocsp_staple(*ocsp_staple, in));
        const std::string said = "OCSP " + ocsp_status_name(verdict.status) +
                                 (verdict.detail.empty() ? "" : " (" + verdict.detail + ")");
        if (verdict.status == OcspStatus::kRevoked && !policy.ignore_ocsp_revoked)
            return Error("SeGW certificate '" + result.subject + "' is revoked: " + said);
        if (verdict.status == OcspStatus::kUnknown && policy.ocsp_required)
            return Error("SeGW certificate '" + result.subject + "': " + said + " and a status is required");
        result.revocation = said;
    }

    result.public_key.reset(X509_get_pubkey(leaf.get()));
    if (!result.public_key) return Error("cannot read the public key of '" + result.subject + "'");
    return result;
}

}  // namespace hnbsec::emulator
