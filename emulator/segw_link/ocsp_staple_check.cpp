#include "emulator/segw_link/ocsp_staple_check.h"

#include <openssl/err.h>

namespace hnbsec::emulator {
namespace {

// Clock skew the device tolerates on thisUpdate/nextUpdate (RFC 6960 §4.2.2.1 leaves it local).
constexpr long kSkewSeconds = 300;

std::string openssl_errors() {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text += (text.empty() ? "" : "; ") + std::string(buffer);
    }
    return text.empty() ? "no OpenSSL error recorded" : text;
}

// Seconds from `now` to `t` (negative: `t` is in the past).
Result<long> seconds_until(const ASN1_GENERALIZEDTIME* t, std::time_t now) {
    ASN1_TIME* reference = ASN1_TIME_set(nullptr, now);
    if (reference == nullptr) return Error("cannot represent the device time");
    int days = 0;
    int seconds = 0;
    const int ok = ASN1_TIME_diff(&days, &seconds, reference, t);
    ASN1_TIME_free(reference);
    if (ok != 1) return Error("unreadable time in the OCSP response");
    return static_cast<long>(days) * 86400 + seconds;
}

}  // namespace

std::string ocsp_status_name(OcspStatus status) {
    switch (status) {
        case OcspStatus::kGood:
            return "good";
        case OcspStatus::kRevoked:
            return "revoked";
        case OcspStatus::kUnknown:
            return "unknown";
    }
    return "unknown";
}

Result<OcspStapleVerdict> check_ocsp_staple(const Der& staple, const OcspStapleInputs& in) {
    ERR_clear_error();
    const unsigned char* p = staple.data();
    OcspResponsePtr response(d2i_OCSP_RESPONSE(nullptr, &p, static_cast<long>(staple.size())));
    if (!response || p != staple.data() + staple.size())
        return Error("the stapled OCSP response (" + std::to_string(staple.size()) +
                     " octets) is not DER OCSPResponse");
    const int response_status = OCSP_response_status(response.get());
    if (response_status != OCSP_RESPONSE_STATUS_SUCCESSFUL)
        return Error(std::string("the stapled OCSP response says ") +
                     OCSP_response_status_str(response_status) + " (RFC 6960 §4.2.1)");
    OcspBasicPtr basic(OCSP_response_get1_basic(response.get()));
    if (!basic) return Error("the stapled OCSP response is not an id-pkix-ocsp-basic response");

    OcspStapleVerdict verdict;
    if (in.verify_signature) {
        // The signer's certificate comes from the response or the SeGW's chain, its chain
        // must build to the trust anchors, and OpenSSL's issuer check enforces RFC 6960
        // §4.2.2.2: the CA itself, or a certificate it issued with id-kp-OCSPSigning.
        X509StackPtr candidates(sk_X509_new_null());
        if (in.untrusted != nullptr) {
            for (int i = 0; i < sk_X509_num(in.untrusted); ++i) {
                X509* c = sk_X509_value(in.untrusted, i);
                X509_up_ref(c);
                sk_X509_push(candidates.get(), c);
            }
        }
        X509_up_ref(in.issuer);
        sk_X509_push(candidates.get(), in.issuer);
        if (OCSP_basic_verify(basic.get(), candidates.get(), in.trust, 0) != 1)
            return Error("the stapled OCSP response's signature or signer is not trusted: " +
                         openssl_errors());
    } else {
        verdict.detail = "signature not verified";
    }

    OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), in.certificate, in.issuer));
    if (!id) return Error("cannot compute the CertID of the SeGW certificate: " + openssl_errors());
    int status = 0;
    int reason = 0;
    ASN1_GENERALIZEDTIME* revoked_at = nullptr;
    ASN1_GENERALIZEDTIME* this_update = nullptr;
    ASN1_GENERALIZEDTIME* next_update = nullptr;
    if (OCSP_resp_find_status(basic.get(), id.get(), &status, &reason, &revoked_at, &this_update,
                              &next_update) != 1)
        return Error("the stapled OCSP response has no status for the SeGW certificate's CertID");

    // Currency by the device's clock, not the host's (RFC 6960 §4.2.2.1).
    if (this_update == nullptr) return Error("the stapled OCSP response has no thisUpdate");
    HNBSEC_TRY(const long since_this, seconds_until(this_update, in.now));
    if (since_this > kSkewSeconds)
        return Error("the stapled OCSP response's thisUpdate is " + std::to_string(since_this) +
                     " s ahead of the device clock");
    if (next_update != nullptr) {
        HNBSEC_TRY(const long until_next, seconds_until(next_update, in.now));
        if (until_next < -kSkewSeconds)
            return Error("the stapled OCSP response expired: nextUpdate passed " +
                         std::to_string(-until_next) + " s ago by the device clock");
    }

    switch (status) {
        case V_OCSP_CERTSTATUS_GOOD:
            verdict.status = OcspStatus::kGood;
            break;
        case V_OCSP_CERTSTATUS_REVOKED:
            verdict.status = OcspStatus::kRevoked;
            verdict.detail = std::string("reason ") +
                             (reason >= 0 ? OCSP_crl_reason_str(reason) : "unspecified") +
                             (verdict.detail.empty() ? "" : ", " + verdict.detail);
            break;
        default:
            verdict.status = OcspStatus::kUnknown;
            break;
    }
    return verdict;
}

}  // namespace hnbsec::emulator
