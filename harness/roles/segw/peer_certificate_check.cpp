#include "harness/roles/segw/peer_certificate_check.h"

#include <algorithm>
#include <memory>

#include "proto/ossl/certificate.h"
#include "proto/ossl/chain_verify.h"

namespace hnbsec::segw {
namespace {

using ossl::X509Ptr;

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
        HNBSEC_TRY(X509Ptr cert, ossl::parse_certificate(der, what));
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
    ossl::X509StorePtr store;
    ossl::X509CrlStackPtr crls;
    std::mutex mutex;  // guards `parsed` and the shared CRL stack
    ParsedCertificates parsed;
};

PeerCertificateChecker::PeerCertificateChecker(std::unique_ptr<Compiled> compiled)
    : compiled_(std::move(compiled)) {}
PeerCertificateChecker::~PeerCertificateChecker() = default;

Result<std::shared_ptr<PeerCertificateChecker>> PeerCertificateChecker::create(PeerCheckPolicy policy) {
    auto c = std::make_unique<Compiled>();
    HNBSEC_TRY(c->store, ossl::trust_store(policy.trust_anchors, "trust anchor"));
    c->crls.reset(sk_X509_CRL_new_null());
    if (!c->crls) return Error("OpenSSL could not set up a certificate store");
    for (std::size_t i = 0; i < policy.crls.size(); ++i) {
        const unsigned char* p = policy.crls[i].data();
        ossl::X509CrlPtr crl(d2i_X509_CRL(nullptr, &p, static_cast<long>(policy.crls[i].size())));
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
    result.subject = ossl::subject_of(leaf.get());
    result.dns_names = ossl::dns_names_of(leaf.get());

    ossl::X509RefStackPtr untrusted(sk_X509_new_null());
    std::vector<X509Ptr> intermediates;
    for (std::size_t i = 1; i < chain.size(); ++i) {
        HNBSEC_TRY(X509Ptr cert, compiled_->parsed.get(chain[i], "CERT payload " + std::to_string(i + 1)));
        sk_X509_push(untrusted.get(), cert.get());
        intermediates.push_back(std::move(cert));
    }

    ossl::ChainCheck check;
    if (!policy.crls.empty()) check.crls = compiled_->crls.get();
    if (policy.now) check.at = std::chrono::system_clock::to_time_t(*policy.now);
    auto verified = ossl::verify_chain(compiled_->store.get(), leaf.get(), untrusted.get(), check);
    if (!verified.ok())
        return Error("certificate of '" + result.subject + "' refused: " + verified.error().message());
    // The issuer in the validated chain (the leaf itself when it is a trust anchor).
    const X509Ptr issuer = std::move(*verified);
    lock.unlock();  // the OCSP query below may block; the parsed-certificate cache is free again

    if (!claimed_identity.empty()) {
        const bool backed =
            std::any_of(result.dns_names.begin(), result.dns_names.end(),
                        [&](const std::string& n) { return ossl::same_dns_name(n, claimed_identity); });
        if (!backed)
            return Error("IDi '" + claimed_identity +
                         "' is not a dNSName of the certificate (SubjectAltName: " + join(result.dns_names) +
                         ")");
    }
    if (policy.expected_identity && !ossl::same_dns_name(claimed_identity, *policy.expected_identity))
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
