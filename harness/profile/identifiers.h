#pragma once
// Validators for the names a profile carries: the H(e)NB EUI, DNS names, the
// hosting-party NAI, Linux interface names, environment variable names and
// PKI manifest names. Each returns the reason in lab-engineer words.

#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::profile {

// TS 33.320 clause 7.2 / Annex: the H(e)NB identity's first label is its EUI-48
// (12 hex digits) or EUI-64 (16 hex digits), written without separators and
// with leading zeros kept.
Status check_eui(std::string_view eui);

// RFC 1035/1123 host name: dot-separated labels of 1..63 letters, digits or
// hyphens (no leading/trailing hyphen), at most 253 characters overall.
Status check_dns_name(std::string_view name);

// RFC 7542 NAI "username@realm" as used for EAP-AKA (TS 23.003 clause 19.3),
// e.g. "0001010123456789@nai.epc.mnc001.mcc001.3gppnetwork.org".
Status check_nai(std::string_view nai);

// Linux network interface name: 1..15 bytes (IFNAMSIZ - 1), no '/', ':' or whitespace.
Status check_interface_name(std::string_view name);

// POSIX environment variable name: [A-Za-z_][A-Za-z0-9_]*.
Status check_env_var_name(std::string_view name);

// A PKI manifest name (a file stem such as "operator-root-ca"): [A-Za-z0-9._-]+,
// not starting with '.'.
Status check_manifest_name(std::string_view name);

// A host given as an IPv4/IPv6 literal or a DNS name (time servers).
Status check_host(std::string_view host);

}  // namespace hnbsec::profile
