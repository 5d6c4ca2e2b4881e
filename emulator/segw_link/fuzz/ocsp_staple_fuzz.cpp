// libFuzzer target for the device's check of a stapled OCSP response (RFC 4806 §3.2,
// RFC 6960): whatever bytes a SeGW staples, ossl::check_ocsp_response() (the check the
// device runs) returns an answer or an error, never crashes or reads out of bounds (ASan,
// UBSan). The first octet chooses whether the signature is verified (the
// accept-unverified-ocsp defect skips it).
//
// The seeds in corpus/ were made with `openssl ocsp -index` for the certificates below
// (a throwaway CA whose key was not kept), so their CertIDs match and the fuzzer reaches
// the status and time checks; the device clock is fixed inside their validity.

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <openssl/pem.h>

#include "proto/ossl/ocsp_verify.h"

namespace {

using namespace hnbsec::ossl;

constexpr std::time_t kDeviceClock = 1795909537;  // when the seeds were made

constexpr const char* kIssuerPem = R"(
-----BEGIN CERTIFICATE-----
MIIDBTCCAe2gAwIBAgIUDYE86Nxtdum54Is6Hj6QzsSpWgUwDQYJKoZIhvcNAQEL
BQAwEjEQMA4GA1UEAwwHU2VlZCBDQTAeFw0yNjExMjgyMzQ1MjlaFw0zNjExMjUy
MzQ1MjlaMBIxEDAOBgNVBAMMB1NlZWQgQ0EwggEiMA0GCSqGSIb3DQEBAQUAA4IB
DwAwggEKAoIBAQD5jQOVw3xbhJUWjnY8tUE8ZQn56cW+IzXA9AAi0+lXD702RE3A
QttjkrAMsTkeNcT6tF3efCJeRaWg3M6+X1znXTBqNDHV4Jwc1N/JP5RNYdctNmX/
JjyD1SoOK0G4GjiRMCO5wP/PeuFqexMh/ycky/QPNiO1l8JRSc4Zbcxx+EnH6HFA
+DzunKW0mEOK0AbP1VCv0wRH5MF76+hX7ZWVTlmEiSBAtVvsBj95S5QL/X6dL2mB
+z5VLXWw1FjT5tAT2s/iRQRbia1HY7el4lnXpAnVi5+6RlTFzwFj04jEpUKQoBEv
TBSSLTbuHtKQVc9z6ZeEBSo4rkyKN6C+Hl77AgMBAAGjUzBRMB0GA1UdDgQWBBRL
3aeT16BuXx2GEGFxnXAZgekB6TAfBgNVHSMEGDAWgBRL3aeT16BuXx2GEGFxnXAZ
gekB6TAPBgNVHRMBAf8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQCI1E2ATz1V
Dqnd5RAuY1B/d7Wfv712+n5ErhjmRQARsEBx1JgdXVXltbYGaXFFYWRq+wdBerfd
/q0BAKq/jFW3MlZUvb78mZutzPakMRMUgwfnneKICHfkEsB9macfL3vF0vqafEfu
g5YwcbMytluNbA8uQ0CljYcFLRoYFGucStmzDey6r6E00owCBo4hhT0TdaRqT8j/
p8nDMCHqLA8oP+gSwOFBfzL+hYDSQNXfJ1blxEmeOHigpD3jh4lndlKxATQrbOJi
lBW584F/UhK3qi9ynda2HN+7BrA8/X/k3PWN1vY/jqHS68asy8XscwziLuz+Z+j3
FegNfpuepqlt
-----END CERTIFICATE-----
)";

constexpr const char* kLeafPem = R"(
-----BEGIN CERTIFICATE-----
MIICoDCCAYgCAhI0MA0GCSqGSIb3DQEBCwUAMBIxEDAOBgNVBAMMB1NlZWQgQ0Ew
HhcNMjYxMTI4MjM0NTMwWhcNMzYxMTI1MjM0NTMwWjAZMRcwFQYDVQQDDA5zZWd3
LnNlZWQudGVzdDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAJfkHd9c
EZAMPuSo3O6Gi9/SJp/qYw9MJEb0FuPfhY5jUTzZupuF888Em9mPhjprUNBMu7P8
QCvqFRQIqqNWqtC+FXuHOoqgSVpOFa0QIEM4i68FO4ZkElrFPiOkwYKrWqWj/B74
PZaprn23EN+GufNKe6m6heWD996/t9vO1Ti9D5s9sQcPzQRAyLbYwahR+jW5dtf1
XJRrd8BU7Vwg9LrfpxrcKkqOwxwxaqndJoIhwnIqgPxqHkVXfJlf4CnfWAy9Qe+Y
u83Fdm7r6r43r+wWI85kNJ04zyTxEhrS6AdOynMeNjr31+SHpqA0pzzOdbNWy1Sq
oMIY1szJy+TOm9cCAwEAATANBgkqhkiG9w0BAQsFAAOCAQEAtEr381jzmg7SXKMP
4w3AGdDr9reL8PMiRBMwM1c5NFiPOkZvdolLdhYE3fxnHmcFdxXQuy9/3Kfv22Pa
WB874u0MTCfnfoyG1GS4Od3qyre2PhmPBwue/dxN7566QWN666ZRLIqtDIBxDZiM
3Ft6ZNmgU4C6Etk3RNFFzlzINXVPJ/mZIu9P2GZc1B4TfFNISeVggvmBRaqiojQB
FXbsXVQFVdglhHyDz3SvauNgSs54ymBM49KZkrkBgQPmisOULIlYHJIyeLqVdaDg
euQzR8mPf/8ean09sJdyhcQYuejWU4sVk8zs62JnFcXCu+8TjkrLYhqj7V6d4h5v
2rquRA==
-----END CERTIFICATE-----
)";

X509Ptr parse(const char* pem) {
    BioPtr bio(BIO_new_mem_buf(pem, -1));
    X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    if (!cert) std::abort();
    return cert;
}

struct Fixture {
    X509Ptr issuer = parse(kIssuerPem);
    X509Ptr leaf = parse(kLeafPem);
    X509StorePtr store{X509_STORE_new()};
    Fixture() {
        X509_STORE_add_cert(store.get(), issuer.get());
        X509_VERIFY_PARAM_set_time(X509_STORE_get0_param(store.get()), kDeviceClock);
    }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    static Fixture fixture;
    if (size == 0) return 0;
    OcspCheck check;
    check.certificate = fixture.leaf.get();
    check.issuer = fixture.issuer.get();
    check.trust = (data[0] & 1) == 0 ? fixture.store.get() : nullptr;
    check.now = kDeviceClock;
    (void)check_ocsp_response(std::span<const std::uint8_t>(data + 1, size - 1), check);
    // The whole input too: the seeds are bare DER responses.
    (void)check_ocsp_response(std::span<const std::uint8_t>(data, size), check);
    return 0;
}
