#pragma once
// What an SA authenticates with (RFC 7296 §2.15, §3.8, RFC 7427): the local certificate
// chain and a Signer, and the role's callback that validates the peer's chain.

#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "core/result.h"
#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/crypto/signature_algorithm.h"
#include "proto/ike/payloads.h"

namespace hnbsec::ike {

// What the Signer will put in the AUTH payload.
struct AuthChoice {
    AuthMethod method = AuthMethod::kDigitalSignature;
    SignatureAlgorithm algorithm = kSha256WithRsa;  // used by method 14 only
};

// Produces AUTH Data over the signed octets. The key may live anywhere (PKCS#11 via
// libp11 gives an EVP_PKEY that works unchanged).
class Signer {
public:
    virtual ~Signer() = default;
    virtual AuthChoice choice() const = 0;
    // AUTH Data (for method 14: AlgorithmIdentifier + signature, RFC 7427 §3).
    virtual Result<Octets> sign(AuthMethod method, const SignatureAlgorithm& algorithm,
                                OctetSpan signed_octets) = 0;
};

// A Signer over an EVP_PKEY. Default: RFC 7427 method 14 with SHA-256 (RSA PKCS#1 v1.5
// or ECDSA per key type); `method` 1 (RSA) or 9 (ECDSA P-256) when configured.
class EvpSigner final : public Signer {
public:
    // Takes a reference on `key` (EVP_PKEY_up_ref).
    explicit EvpSigner(EVP_PKEY* key, std::optional<AuthMethod> method = std::nullopt);
    AuthChoice choice() const override;
    Result<Octets> sign(AuthMethod method, const SignatureAlgorithm& algorithm,
                        OctetSpan signed_octets) override;

private:
    ossl::PkeyPtr key_;
    std::optional<AuthMethod> method_;
};

// RFC 4806 §3.2: answers a peer's CERTREQ(OCSP Content) with a DER OCSPResponse for our
// end-entity certificate. `responder_hashes` are the SHA-1 hashes of the OCSP responder
// keys the peer trusts (empty: any). An error means no staple is sent.
using OcspStapler = std::function<Result<Bytes>(const std::vector<Bytes>& responder_hashes)>;

struct LocalCredentials {
    std::vector<Bytes> chain;  // DER certificates, end entity first
    std::shared_ptr<Signer> signer;
    OcspStapler ocsp_staple;  // responder: CERT(OCSP Content) when asked; empty = never
};

// DER of each certificate, in order.
Result<std::vector<Bytes>> der_chain(const std::vector<X509*>& chain);

// Returns the public key that must verify the peer's AUTH, or an error naming why the
// chain or identity is refused. Chain, CRL and identity checks are the role's job.
using PeerValidator =
    std::function<Result<ossl::PkeyPtr>(const std::vector<Bytes>& chain, const Id& peer_id)>;

// SHA-1 of a DER SubjectPublicKeyInfo: one CERTREQ entry (RFC 7296 §3.7).
Result<Bytes> spki_sha1(OctetSpan spki_der);

}  // namespace hnbsec::ike
