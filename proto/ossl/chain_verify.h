#pragma once
// Certificate path validation (RFC 5280 §6) for both ends of the backhaul: the SeGW's check
// of a device's chain and the emulated H(e)NB's check of the SeGW's. A store of trust anchors
// built once, the peer's intermediates as untrusted candidates, the verification time the
// caller decides (the device clock for the emulator), and OpenSSL's reason when it fails.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ossl {

// A store holding the DER certificates `anchors` as trust anchors; an error names the
// first that does not parse as "<what> <index from 1>".
Result<X509StorePtr> trust_store(const std::vector<std::vector<std::uint8_t>>& anchors,
                                 const std::string& what);

struct ChainCheck {
    // The verification time. Unset: the store's own parameters decide (the real clock unless
    // the caller set a time or X509_V_FLAG_NO_CHECK_TIME on the store).
    std::optional<std::time_t> at;
    // Borrowed CRLs; when set, the end entity must not be on them (X509_V_FLAG_CRL_CHECK,
    // the CRL valid at the same time, RFC 5280 §6.3).
    STACK_OF(X509_CRL) * crls = nullptr;
};

// Verifies `leaf` up to a trust anchor of `store`, with `untrusted` (may be null) as
// candidate intermediates. Returns the issuer of `leaf` in the built chain (the leaf itself
// when it is a trust anchor); the error reads "<OpenSSL's reason> (X.509 error N at depth D)".
Result<X509Ptr> verify_chain(X509_STORE* store, X509* leaf, STACK_OF(X509) * untrusted,
                             const ChainCheck& check = {});

}  // namespace hnbsec::ossl
