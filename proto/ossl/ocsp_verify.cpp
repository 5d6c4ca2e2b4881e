#include "proto/ossl/ocsp_verify.h"

#include <openssl/err.h>

#include "proto/ossl/errors.h"

namespace hnbsec::ossl {
namespace {

// Seconds from `now` to `t` (negative: `t` is in the past).
Result<long> seconds_until(const ASN1_GENERALIZEDTIME* t, std::time_t now) {
    Asn1TimePtr reference(ASN1_TIME_set(nullptr, now));
    if (!reference) return Error("cannot represent the time to check against");
    int days = 0;
    int seconds = 0;
    if (ASN1_TIME_diff(&days, &seconds, reference.get(), t) != 1) return Error("unreadable time");
    return static_cast<long>(days) * 86400 + seconds;
}

}  // namespace

std::string to_string(CertStatus status) {
    switch (status) {
        case CertStatus::kGood:
            return "good";
        case CertStatus::kRevoked:
            return "revoked";
        case CertStatus::kUnknown:
            return "unknown";
    }
    return "unknown";
}

Result<OcspAnswer> check_ocsp_response(std::span<const std::uint8_t> der, const OcspCheck& check) {
    ERR_clear_error();
    const unsigned char* p = der.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(der.size())));
    if (!response || p != der.data() + der.size())
        return Error("not a DER OCSPResponse (" + std::to_string(der.size()) + " octets)");
    if (const int status = OCSP_response_status(response.get()); status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return Error(std::string("responseStatus ") + OCSP_response_status_str(status) +
                     " (RFC 6960 §4.2.1)");
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) return Error("not an id-pkix-ocsp-basic response");

    if (check.trust != nullptr) {
        // The signer's certificate comes from the response or the candidates; the issuer is
        // among them so a delegated responder's path completes.
        X509StackPtr candidates(sk_X509_new_null());
        if (!candidates) return Error("cannot hold the signer candidates");
        for (int i = 0; check.untrusted != nullptr && i < sk_X509_num(check.untrusted); ++i) {
            X509* c = sk_X509_value(check.untrusted, i);
            X509_up_ref(c);
            sk_X509_push(candidates.get(), c);
        }
        X509_up_ref(check.issuer);
        sk_X509_push(candidates.get(), check.issuer);
        if (OCSP_basic_verify(basic.get(), candidates.get(), check.trust, 0) != 1)
            return Error("signature or signer is not trusted: " + errors());
    }
    // RFC 8954 §2.1: a wrong nonce is a replay; no nonce at all is an older responder's right.
    if (check.request != nullptr && OCSP_check_nonce(check.request, basic.get()) == 0)
        return Error("the nonce echoed is not the request's (a replay?)");

    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), check.certificate, check.issuer));
    if (!id) return Error("cannot compute the certificate's CertID: " + errors());
    int status = -1;
    int reason = -1;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update,
                              &next_update) != 1)
        return Error("no status for the certificate's CertID");

    // Currency by the caller's clock (RFC 6960 §4.2.2.1): the device's, not the host's.
    if (this_update == nullptr) return Error("no thisUpdate");
    HNBSEC_TRY(const long since_this, seconds_until(this_update, check.now));
    if (since_this > check.tolerance_seconds)
        return Error("outside its validity period: thisUpdate is " + std::to_string(since_this) +
                     " s ahead of " + check.clock);
    OcspAnswer answer;
    if (next_update != nullptr) {
        HNBSEC_TRY(const long until_next, seconds_until(next_update, check.now));
        if (until_next < -check.tolerance_seconds)
            return Error("outside its validity period: nextUpdate passed " + std::to_string(-until_next) +
                         " s ago by " + check.clock);
        if (until_next < since_this)
            return Error("outside its validity period: nextUpdate is before thisUpdate");
        answer.next_update = check.now + until_next;
    }

    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD:
            answer.status = CertStatus::kGood;
            break;
        case V_OCSP_CERTSTATUS_REVOKED:
            answer.status = CertStatus::kRevoked;
            answer.reason = reason >= 0 ? OCSP_crl_reason_str(reason) : "unspecified";
            break;
        default:
            answer.status = CertStatus::kUnknown;
            break;
    }
    return answer;
}

}  // namespace hnbsec::ossl
