#include "harness/roles/ocsp/responder.h"

#include <array>
#include <ctime>
#include <utility>

#include <openssl/err.h>
#include <openssl/ocsp.h>

#include "proto/ossl/certificate.h"
#include "proto/ossl/errors.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ocsp {

namespace {

using Clock = std::chrono::system_clock;

// RFC 5280 §5.3.1 CRLReason names as the manifest writes them.
constexpr std::array<std::pair<std::string_view, int>, 10> kReasons = {{
    {"unspecified", OCSP_REVOKED_STATUS_UNSPECIFIED},
    {"keyCompromise", OCSP_REVOKED_STATUS_KEYCOMPROMISE},
    {"cACompromise", OCSP_REVOKED_STATUS_CACOMPROMISE},
    {"affiliationChanged", OCSP_REVOKED_STATUS_AFFILIATIONCHANGED},
    {"superseded", OCSP_REVOKED_STATUS_SUPERSEDED},
    {"cessationOfOperation", OCSP_REVOKED_STATUS_CESSATIONOFOPERATION},
    {"certificateHold", OCSP_REVOKED_STATUS_CERTIFICATEHOLD},
    {"removeFromCRL", OCSP_REVOKED_STATUS_REMOVEFROMCRL},
    {"privilegeWithdrawn", 9},
    {"aACompromise", 10},
}};

int reason_code(std::string_view name) {
    for (const auto& [n, code] : kReasons) {
        if (n == name) return code;
    }
    return OCSP_REVOKED_STATUS_NOSTATUS;
}

// "2026-11-28T19:47:10Z" -> GeneralizedTime "20261128194710Z".
ossl::Asn1TimePtr iso_time(const std::string& iso) {
    std::string compact;
    for (char c : iso) {
        if (c != '-' && c != ':' && c != 'T') compact += c;
    }
    ossl::Asn1TimePtr t(ASN1_TIME_new());
    if (!t || ASN1_TIME_set_string(t.get(), compact.c_str()) != 1) return nullptr;
    return t;
}

ossl::Asn1TimePtr at(Clock::time_point when) {
    return ossl::Asn1TimePtr(ASN1_TIME_set(nullptr, Clock::to_time_t(when)));
}

Bytes to_der(OCSP_RESPONSE* response) {
    int n = i2d_OCSP_RESPONSE(response, nullptr);
    if (n <= 0) return {};
    Bytes der(static_cast<std::size_t>(n));
    unsigned char* p = der.data();
    i2d_OCSP_RESPONSE(response, &p);
    return der;
}

std::string cert_id_key(const OCSP_CERTID* id) {
    unsigned char* der = nullptr;
    int n = i2d_OCSP_CERTID(const_cast<OCSP_CERTID*>(id), &der);
    if (n <= 0) return {};
    std::string key(reinterpret_cast<const char*>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return key;
}

// The part of the knobs that changes the signed bytes (the rest acts around them).
std::string signing_key(const Knobs& knobs) {
    return std::to_string(static_cast<int>(knobs.signer)) + (knobs.stale ? "s" : "-") +
           (knobs.bad_signature ? "b" : "-");
}

CertAnswer describe_id(const CaDirectory& directory, const OCSP_CERTID* id, const Issuer** issuer_out) {
    CertAnswer answer;
    ASN1_INTEGER* serial = nullptr;
    OCSP_id_get0_info(nullptr, nullptr, nullptr, &serial, const_cast<OCSP_CERTID*>(id));
    answer.serial = serial != nullptr ? serial_key(serial) : std::string("?");
    const Issuer* issuer = directory.issuer_of(id);
    *issuer_out = issuer;
    answer.issuer = issuer != nullptr ? issuer->name : std::string("?");
    answer.status = "unknown";
    if (issuer == nullptr) return answer;
    auto it = issuer->by_serial.find(answer.serial);
    if (it == issuer->by_serial.end()) return answer;
    answer.name = it->second.name;
    answer.subject = it->second.subject;
    if (it->second.revocation_time) {
        answer.status = "revoked";
        answer.revocation_reason = it->second.revocation_reason;
        answer.revocation_time = *it->second.revocation_time;
    } else {
        answer.status = "good";
    }
    return answer;
}

Handled refused(int status, std::string error, const Knobs& knobs) {
    Handled handled;
    handled.der = error_response(status);
    handled.response_status = status;
    handled.error = std::move(error);
    handled.knobs = knobs;
    return handled;
}

}  // namespace

Bytes error_response(int response_status) {
    ossl::OcspResponsePtr response(OCSP_response_create(response_status, nullptr));
    return response ? to_der(response.get()) : Bytes{};
}

std::string summary(const Handled& handled) {
    std::string text;
    for (const auto& cert : handled.certs) {
        if (!text.empty()) text += ", ";
        text += cert.issuer + "/" + cert.serial;
        if (!cert.name.empty()) text += " " + cert.name;
        text += " " + cert.status;
        if (!cert.revocation_reason.empty()) text += " " + cert.revocation_reason;
    }
    if (text.empty()) text = "no certificate";
    text += handled.nonce_requested ? "; nonce" : "; no nonce";
    if (handled.response_status != 0)
        text += "; responseStatus " + std::string(response_status_name(handled.response_status));
    if (!handled.signer.empty()) text += "; signer " + handled.signer;
    if (handled.cached) text += " (cached)";
    if (handled.knobs != Knobs{}) text += "; knobs: " + describe(handled.knobs);
    if (!handled.error.empty()) text += "; " + handled.error;
    return text;
}

Responder::Responder(CaDirectory directory, ResponderOptions options)
    : directory_(std::move(directory)), options_(options) {}

Result<std::unique_ptr<Responder>> Responder::create(const pki::Manifest& manifest,
                                                     ResponderOptions options) {
    HNBSEC_TRY(auto directory, CaDirectory::load(manifest));
    return std::unique_ptr<Responder>(new Responder(std::move(directory), options));
}

void Responder::set_knobs(const Knobs& knobs) {
    std::lock_guard lock(knobs_mutex_);
    knobs_ = knobs;
}

Knobs Responder::knobs() const {
    std::lock_guard lock(knobs_mutex_);
    return knobs_;
}

std::size_t Responder::cache_size() const {
    std::lock_guard lock(cache_mutex_);
    return cache_.size();
}

Handled Responder::handle(std::span<const std::uint8_t> request_der) {
    const Knobs knobs = this->knobs();
    const unsigned char* p = request_der.data();
    ossl::OcspRequestPtr request(d2i_OCSP_REQUEST(nullptr, &p, static_cast<long>(request_der.size())));
    if (!request) {
        ERR_clear_error();
        return refused(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
                       "not a DER OCSPRequest (" + std::to_string(request_der.size()) + " bytes)", knobs);
    }
    if (p != request_der.data() + request_der.size()) {
        return refused(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST,
                       "bytes after the OCSPRequest at offset " + std::to_string(p - request_der.data()),
                       knobs);
    }
    const int count = OCSP_request_onereq_count(request.get());
    if (count <= 0) return refused(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST, "empty requestList", knobs);
    std::vector<const OCSP_CERTID*> ids;
    ids.reserve(static_cast<std::size_t>(count));
    for (int i = 0; i < count; ++i)
        ids.push_back(OCSP_onereq_get0_id(OCSP_request_onereq_get0(request.get(), i)));

    // RFC 8954 / RFC 6960 §4.4.1: the nonce extension's value is an OCTET STRING.
    std::optional<Bytes> nonce;
    int index = OCSP_REQUEST_get_ext_by_NID(request.get(), NID_id_pkix_OCSP_Nonce, -1);
    if (index >= 0) {
        const ASN1_OCTET_STRING* value = X509_EXTENSION_get_data(OCSP_REQUEST_get_ext(request.get(), index));
        const unsigned char* data = ASN1_STRING_get0_data(value);
        nonce = Bytes(data, data + ASN1_STRING_length(value));
    }
    auto handled = answer(ids, nonce, knobs);
    handled.nonce_requested = nonce.has_value();
    return handled;
}

Handled Responder::answer(const std::vector<const OCSP_CERTID*>& ids, const std::optional<Bytes>& nonce,
                          const Knobs& knobs) {
    Handled handled;
    handled.knobs = knobs;
    const Issuer* first = nullptr;
    for (const auto* id : ids) {
        const Issuer* issuer = nullptr;
        handled.certs.push_back(describe_id(directory_, id, &issuer));
        if (first == nullptr) first = issuer;
    }
    if (knobs.response_status != 0) {
        handled.der = error_response(knobs.response_status);
        handled.response_status = knobs.response_status;
        return handled;
    }
    if (first == nullptr) {
        // RFC 6960 §2.3: not authoritative for this issuer.
        handled.der = error_response(OCSP_RESPONSE_STATUS_UNAUTHORIZED);
        handled.response_status = OCSP_RESPONSE_STATUS_UNAUTHORIZED;
        handled.error = "no CA of the PKI issued the certificate asked for";
        return handled;
    }
    const bool per_request = nonce.has_value() && knobs.nonce != NonceMode::kOmit;
    std::string key = signing_key(knobs);
    for (const auto* id : ids) key += "|" + cert_id_key(id);
    if (!per_request) {
        std::lock_guard lock(cache_mutex_);
        auto it = cache_.find(key);
        if (it != cache_.end() && std::chrono::steady_clock::now() - it->second.made < options_.refresh) {
            handled.der = it->second.der;
            handled.signer = it->second.signer;
            handled.cached = true;
            return handled;
        }
    }
    auto signed_response = sign(ids, per_request ? nonce : std::nullopt, knobs);
    if (!signed_response.ok()) {
        handled.der = error_response(OCSP_RESPONSE_STATUS_INTERNALERROR);
        handled.response_status = OCSP_RESPONSE_STATUS_INTERNALERROR;
        handled.error = signed_response.error().message();
        return handled;
    }
    handled.der = signed_response->der;
    handled.signer = signed_response->signer;
    if (!per_request) {
        std::lock_guard lock(cache_mutex_);
        cache_[key] = std::move(*signed_response);
    }
    return handled;
}

Result<Responder::Cached> Responder::sign(const std::vector<const OCSP_CERTID*>& ids,
                                          const std::optional<Bytes>& nonce, const Knobs& knobs) const {
    ossl::OcspBasicPtr basic(OCSP_BASICRESP_new());
    if (!basic) return ossl::error("allocating an OCSP BasicResponse");
    const auto now = Clock::now();
    // Stale: RFC 6960 §4.2.2.1 — a response whose nextUpdate has passed must be rejected.
    auto this_update = at(knobs.stale ? now - std::chrono::hours(48) : now - std::chrono::minutes(1));
    auto next_update = at(knobs.stale ? now - std::chrono::hours(24) : now + options_.validity);
    const Issuer* signing_issuer = nullptr;
    Cached out;
    for (const auto* id : ids) {
        const Issuer* issuer = nullptr;
        auto answer = describe_id(directory_, id, &issuer);
        if (signing_issuer == nullptr) signing_issuer = issuer;
        // A CertID of another issuer than the signer's is not ours to vouch for.
        if (issuer != signing_issuer) answer.status = "unknown";
        int status = V_OCSP_CERTSTATUS_UNKNOWN;
        int reason = OCSP_REVOKED_STATUS_NOSTATUS;
        ossl::Asn1TimePtr revoked_at;
        if (answer.status == "good") status = V_OCSP_CERTSTATUS_GOOD;
        if (answer.status == "revoked") {
            status = V_OCSP_CERTSTATUS_REVOKED;
            reason = reason_code(answer.revocation_reason);
            revoked_at = iso_time(answer.revocation_time);
            if (!revoked_at)
                return Error("revocation time '" + answer.revocation_time + "' of " + answer.name);
        }
        // OCSP_basic_add1_status copies the CertID.
        if (OCSP_basic_add1_status(basic.get(), const_cast<OCSP_CERTID*>(id), status, reason,
                                   revoked_at.get(), this_update.get(), next_update.get()) == nullptr) {
            return ossl::error("adding a SingleResponse");
        }
        out.certs.push_back(std::move(answer));
    }
    if (nonce) {
        Bytes value = *nonce;
        if (knobs.nonce == NonceMode::kWrong) {
            if (value.empty()) value.push_back(0);
            value.back() ^= 0x01;
        }
        // `value` is the request's extnValue content (a DER OCTET STRING holding the
        // nonce): echoed byte for byte, as OCSP_copy_nonce would.
        ossl::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
        if (!octets ||
            ASN1_OCTET_STRING_set(octets.get(), value.data(), static_cast<int>(value.size())) != 1) {
            return ossl::error("copying the nonce");
        }
        ossl::X509ExtensionPtr ext(
            X509_EXTENSION_create_by_NID(nullptr, NID_id_pkix_OCSP_Nonce, 0, octets.get()));
        if (!ext || OCSP_BASICRESP_add_ext(basic.get(), ext.get(), -1) != 1)
            return ossl::error("adding the nonce");
    }
    const Signer& signer = signing_issuer->signer(knobs.signer);
    STACK_OF(X509)* extra = sk_X509_new_null();
    for (std::size_t i = 1; i < signer.chain.size(); ++i) sk_X509_push(extra, signer.chain[i].get());
    int ok = OCSP_basic_sign(basic.get(), signer.cert.get(), signer.key.get(), EVP_sha256(), extra, 0);
    sk_X509_free(extra);
    if (ok != 1) return ossl::error("signing the OCSP response with " + signer.name);
    if (knobs.bad_signature) {
        // Flip one bit of the signature value: the response still parses, the check fails.
        auto* signature = const_cast<ASN1_OCTET_STRING*>(OCSP_resp_get0_signature(basic.get()));
        if (signature != nullptr && ASN1_STRING_length(signature) > 0) {
            auto* data = const_cast<unsigned char*>(ASN1_STRING_get0_data(signature));
            data[ASN1_STRING_length(signature) - 1] ^= 0x01;
        }
    }
    ossl::OcspResponsePtr response(OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, basic.get()));
    if (!response) return ossl::error("wrapping the OCSP response");
    out.der = to_der(response.get());
    out.signer = signer.name;
    out.made = std::chrono::steady_clock::now();
    return out;
}

Result<Bytes> Responder::response_for(const X509* cert, const std::optional<Bytes>& nonce) {
    const Knobs knobs = this->knobs();
    if (knobs.no_answer) return Error("the OCSP responder is set to give no answer");
    const Issuer* issuer = directory_.issuer_of_cert(cert);
    if (issuer == nullptr) return Error("no CA of the PKI issued the certificate to staple a response for");
    ossl::OcspCertIdPtr id(OCSP_cert_to_id(EVP_sha1(), cert, issuer->cert.get()));
    if (!id) return ossl::error("building the CertID");
    // A staple carries the nonce as the DER OCTET STRING the request would have had.
    std::optional<Bytes> nonce_value;
    if (nonce) {
        ossl::Asn1OctetStringPtr octets(ASN1_OCTET_STRING_new());
        ASN1_OCTET_STRING_set(octets.get(), nonce->data(), static_cast<int>(nonce->size()));
        unsigned char* der = nullptr;
        int n = i2d_ASN1_OCTET_STRING(octets.get(), &der);
        if (n <= 0) return ossl::error("encoding the nonce");
        nonce_value = Bytes(der, der + n);
        OPENSSL_free(der);
    }
    auto handled = answer({id.get()}, nonce_value, knobs);
    if (handled.der.empty()) return Error("no OCSP response: " + handled.error);
    return handled.der;
}

Result<Bytes> Responder::response_for(std::span<const std::uint8_t> cert_der,
                                      const std::optional<Bytes>& nonce) {
    HNBSEC_TRY(ossl::X509Ptr cert,
               ossl::parse_certificate(cert_der, "the certificate to staple a response for"));
    return response_for(cert.get(), nonce);
}

}  // namespace hnbsec::ocsp
