#pragma once
// Reading X.509 certificates: DER into a handle, and the names a check reports or matches
// (the subject in RFC 2253 form, the SubjectAltName dNSNames of RFC 5280 §4.2.1.6).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "proto/ossl/handles.h"

namespace hnbsec::ossl {

// The parsed certificate; an error naming `what` when `der` is not exactly one certificate
// (trailing octets included: a CERT payload carries one certificate, RFC 7296 §3.6).
Result<X509Ptr> parse_certificate(std::span<const std::uint8_t> der, const std::string& what);

// DER SubjectPublicKeyInfo of a DER certificate: what RFC 7296 §3.7 (CERTREQ) and
// RFC 4806 §3.1 hash.
Result<std::vector<std::uint8_t>> subject_public_key_info(std::span<const std::uint8_t> certificate);

// Everything written to a memory BIO.
std::string bio_contents(BIO* bio);

// A distinguished name on one line in RFC 2253 form, e.g. "CN=segw.lab.test,O=Operator".
std::string name_text(const X509_NAME* name);

// The certificate's subject as name_text().
std::string subject_of(const X509* cert);

// The SubjectAltName dNSNames, in certificate order; empty without the extension.
std::vector<std::string> dns_names_of(X509* cert);

// DNS names compare without regard to ASCII case (RFC 4343 §3).
bool same_dns_name(std::string_view a, std::string_view b);

}  // namespace hnbsec::ossl
