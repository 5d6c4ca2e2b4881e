#pragma once
// Certificates from the PEM files the configuration names (trust anchors, device chain,
// OCSP responders), as DER, and the hashes IKE's CERTREQ payloads carry.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.h"
#include "emulator/segw_link/x509_handles.h"

namespace hnbsec::emulator {

using Der = std::vector<std::uint8_t>;

// Every certificate of a PEM file, in file order; an error when there is none.
Result<std::vector<Der>> read_pem_certificates(const std::filesystem::path& path);

// The parsed certificate; an error naming `what` when `der` is not exactly one.
Result<X509Ptr> parse_der_certificate(const Der& der, const std::string& what);

// DER SubjectPublicKeyInfo: what RFC 7296 §3.7 (CERTREQ) and RFC 4806 §3.1 hash.
Result<Der> subject_public_key_info(const Der& certificate);

}  // namespace hnbsec::emulator
