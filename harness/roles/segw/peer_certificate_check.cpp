#include "harness/roles/segw/peer_certificate_check.h"

#include <algorithm>
#include <cctype>
#include <memory>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

namespace hnbsec::segw {
namespace {

template <auto FreeFn>
struct Free {
    template <typename T>
    void operator()(T* p) const {
        FreeFn(p);
    }
};
using X509Ptr = std::unique_ptr<X509, Free<X509_free>>;
using X509CrlPtr = std::unique_ptr<X509_CRL, Free<X509_CRL_free>>;
using StorePtr = std::unique_ptr<X509_STORE, Free<X509_STORE_free>>;
using StoreCtxPtr = std::unique_ptr<X509_STORE_CTX, Free<X509_STORE_CTX_free>>;
// The sk_*_free "functions" are macros in OpenSSL 3; wrap them.
struct CertStackFree {  // does not own the certificates (they live in X509Ptrs)
    void operator()(STACK_OF(X509) * s) const { sk_X509_free(s); }
};
struct CrlStackFree {  // owns its CRLs
    void operator()(STACK_OF(X509_CRL) * s) const { sk_X509_CRL_pop_free(s, X509_CRL_free); }
};
using CertStackPtr = std::unique_ptr<STACK_OF(X509), CertStackFree>;
using CrlStackPtr = std::unique_ptr<STACK_OF(X509_CRL), CrlStackFree>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Free<GENERAL_NAMES_free>>;

Result<X509Ptr> parse_certificate(const Der& der, const std::string& what) {
    const unsigned char* p = der.data();
    X509Ptr cert(d2i_X509(nullptr, &p, static_cast<long>(der.size())));
    if (!cert || p != der.data() + der.size())
        return Error(what + " is not a DER X.509 certificate (" + std::to_string(der.size()) + " bytes)");
    return cert;
}

std::string subject_of(X509* cert) {
    std::unique_ptr<BIO, Free<BIO_free>> bio(BIO_new(BIO_s_mem()));
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

bool equal_ignoring_case(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
    return text.empty() ? "none" : text;
}

// Parsed certificates by their DER bytes. Bounded: when full it starts over, which costs a
// re-parse and never a wrong answer (the key is the whole encoding).
class ParsedCertificates {
public:
    Result<X509Ptr> get(const Der& der, const std::string& what) {
        if (auto it = parsed_.find(der); it != parsed_.end()) return up_ref(it->second.get());
        HNBSEC_TRY(X509Ptr cert, parse_certificate(der, what));
        if (parsed_.size() >= kCapacity) parsed_.clear();
        X509Ptr copy = up_ref(cert.get());
        parsed_.emplace(der, std::move(cert));
        return copy;
    }

private:
    static constexpr std::size_t kCapacity = 1024;
    static X509Ptr up_ref(X509* cert) {
        X509_up_ref(cert);
        return X509Ptr(cert);
    }
    std::map<Der, X509Ptr> parsed_;
};

}  // namespace

struct PeerCertificateChecker::Compiled {
    PeerCheckPolicy policy;
    StorePtr store;
    CrlStackPtr crls;
    std::mutex mutex;  // guards `parsed` and the shared CRL stack
    ParsedCertificates parsed;
};

PeerCertificateChecker::PeerCertificateChecker(std::unique_ptr<Compiled> compiled)
    : compiled_(std::move(compiled)) {}
PeerCertificateChecker::~PeerCertificateChecker() = default;

Result<std::shared_ptr<PeerCertificateChecker>> PeerCertificateChecker::create(PeerCheckPolicy policy) {
    auto c = std::make_unique<Compiled>();
    c->store.reset(X509_STORE_new());
    c->crls.reset(sk_X509_CRL_new_null());
    if (!c->store || !c->crls) return Error("OpenSSL could not set up a certificate store");
    for (std::size_t i = 0; i < policy.trust_anchors.size(); ++i) {
        HNBSEC_TRY(X509Ptr anchor,
                   parse_certificate(policy.trust_anchors[i], "trust anchor " + std::to_string(i)));
        X509_STORE_add_cert(c->store.get(), anchor.get());  // the store takes its own reference
    }
    for (std::size_t i = 0; i < policy.crls.size(); ++i) {
        const unsigned char* p = policy.crls[i].data();
        X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(policy.crls[i].size())));
        if (!crl) return Error("configured CRL " + std::to_string(i) + " is not a DER CRL");
        sk_X509_CRL_push(c->crls.get(), crl.release());
    }
    c->policy = std::move(policy);
    return std::shared_ptr<PeerCertificateChecker>(new PeerCertificateChecker(std::move(c)));
}

Result<PeerCheckResult> PeerCertificateChecker::check(const std::vector<Der>& chain,
                                                      const std::string& claimed_identity) {
    const PeerCheckPolicy& policy = compiled_->policy;
    if (chain.empty()) return Error("the peer sent no certificate (no CERT payload with encoding 4)");
    if (policy.trust_anchors.empty()) return Error("no trust anchor configured for device certificates");
    std::unique_lock lock(compiled_->mutex);

    HNBSEC_TRY(X509Ptr leaf, compiled_->parsed.get(chain.front(), "the end-entity CERT payload"));
    PeerCheckResult result;
    result.subject = subject_of(leaf.get());
    result.dns_names = dns_names_of(leaf.get());

    CertStackPtr untrusted(sk_X509_new_null());
    std::vector<X509Ptr> intermediates;
    for (std::size_t i = 1; i < chain.size(); ++i) {
        HNBSEC_TRY(X509Ptr cert, compiled_->parsed.get(chain[i], "CERT payload " + std::to_string(i + 1)));
        sk_X509_push(untrusted.get(), cert.get());
        intermediates.push_back(std::move(cert));
    }

    StoreCtxPtr ctx(X509_STORE_CTX_new());
    if (!ctx || X509_STORE_CTX_init(ctx.get(), compiled_->store.get(), leaf.get(), untrusted.get()) != 1)
        return Error("OpenSSL could not set up certificate verification");
    if (!policy.crls.empty()) {
        X509_STORE_CTX_set0_crls(ctx.get(), compiled_->crls.get());  // borrowed, not freed by ctx
        // Only the end entity: a device's CA chain is checked against its own CRLs elsewhere.
        X509_STORE_CTX_set_flags(ctx.get(), X509_V_FLAG_CRL_CHECK);
    }
    if (policy.now) X509_STORE_CTX_set_time(ctx.get(), 0, std::chrono::system_clock::to_time_t(*policy.now));

    if (X509_verify_cert(ctx.get()) != 1) {
        const int code = X509_STORE_CTX_get_error(ctx.get());
        const int depth = X509_STORE_CTX_get_error_depth(ctx.get());
        return Error("certificate of '" + result.subject +
                     "' refused: " + X509_verify_cert_error_string(code) + " (X.509 error " +
                     std::to_string(code) + " at depth " + std::to_string(depth) + ")");
    }
    // The issuer in the validated chain (the leaf itself when it is a trust anchor).
    X509Ptr issuer;
    if (STACK_OF(X509)* built = X509_STORE_CTX_get0_chain(ctx.get()); built != nullptr) {
        X509* found = sk_X509_value(built, sk_X509_num(built) > 1 ? 1 : 0);
        X509_up_ref(found);
        issuer.reset(found);
    }
    ctx.reset();
    lock.unlock();  // the OCSP query below may block; the parsed-certificate cache is free again

    if (!claimed_identity.empty()) {
        const bool backed =
            std::any_of(result.dns_names.begin(), result.dns_names.end(),
                        [&](const std::string& n) { return equal_ignoring_case(n, claimed_identity); });
        if (!backed)
            return Error("IDi '" + claimed_identity +
                         "' is not a dNSName of the certificate (SubjectAltName: " + join(result.dns_names) +
                         ")");
    }
    if (policy.expected_identity && !equal_ignoring_case(claimed_identity, *policy.expected_identity))
        return Error("IDi '" + claimed_identity + "' is not the DUT identity '" + *policy.expected_identity +
                     "' of the profile");

    if (policy.ocsp && issuer) {
        const OcspOutcome ocsp = policy.ocsp->check(leaf.get(), issuer.get());
        if (ocsp.status == OcspStatus::kRevoked)
            return Error("device certificate revoked (OCSP, " + ocsp.detail + "): " + to_string(ocsp));
        if (ocsp.status != OcspStatus::kGood && policy.crls.empty())
            return Error(
                "device certificate status not established, refused (OCSP hard-fail, no CRL "
                "configured): " +
                to_string(ocsp));
        // Otherwise good, or no OCSP answer with the CRL's "not revoked" from step 2 standing.
    }
    result.public_key.reset(X509_get_pubkey(leaf.get()));
    if (!result.public_key) return Error("cannot read the public key of '" + result.subject + "'");
    return result;
}

Result<PeerCheckResult> check_peer_certificate(const std::vector<Der>& chain,
                                               const std::string& claimed_identity,
                                               const PeerCheckPolicy& policy) {
    if (chain.empty()) return Error("the peer sent no certificate (no CERT payload with encoding 4)");
    if (policy.trust_anchors.empty()) return Error("no trust anchor configured for device certificates");
    HNBSEC_TRY(auto checker, PeerCertificateChecker::create(policy));
    return checker->check(chain, claimed_identity);
}

}  // namespace hnbsec::segw
