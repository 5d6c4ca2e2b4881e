#pragma once
// Test-only certificates made with OpenSSL in memory: a CA (RSA-2048) and end entities
// with RSA-2048 and EC P-256 keys whose CN is their FQDN identity.

#include <string>
#include <vector>

#include "proto/ike/crypto/openssl_handles.h"
#include "proto/ike/sa/config.h"

namespace hnbsec::ike::testing {

struct TestIdentity {
    ossl::PkeyPtr key;
    Bytes cert_der;
    Id id;
};

struct TestPki {
    ossl::PkeyPtr ca_key;
    Bytes ca_der;
    Bytes ca_spki_der;
    TestIdentity segw_rsa;
    TestIdentity segw_ec;
    TestIdentity hnb_rsa;
    TestIdentity hnb_ec;
    ossl::PkeyPtr wrong_rsa;  // not the key of any certificate
};

// Generated once per process.
const TestPki& test_pki();

Id fqdn_id(const std::string& fqdn);

// Accepts a chain whose first certificate the test CA signed and whose CN equals the FQDN id.
PeerValidator ca_validator();

}  // namespace hnbsec::ike::testing
