#pragma once
// Certificates from the PEM files the configuration names (trust anchors, device chain,
// OCSP responders), as DER.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.h"

namespace hnbsec::emulator {

using Der = std::vector<std::uint8_t>;

// Every certificate of a PEM file, in file order; an error when there is none.
Result<std::vector<Der>> read_pem_certificates(const std::filesystem::path& path);

}  // namespace hnbsec::emulator
