#pragma once
// The device's certificate chain as IKE's CERT payloads and TLS want it: DER, the device
// certificate first, then the intermediates in the PEM file's order.

#include <cstdint>
#include <filesystem>
#include <vector>

#include "core/result.h"

namespace hnbsec::emulator::tre {

using Der = std::vector<std::uint8_t>;

// Every certificate of a PEM file, in file order; an error when the file cannot be read,
// holds no certificate, or holds a PEM block that is not a certificate.
Result<std::vector<Der>> load_device_chain(const std::filesystem::path& pem);

}  // namespace hnbsec::emulator::tre
