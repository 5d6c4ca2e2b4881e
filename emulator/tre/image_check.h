#pragma once
// The TrE's integrity check (TS 33.320 clause 6.1, HNB-REQ-TRE-*): the SHA-256 of the
// device's "image" file against its reference value. The file is hashed in chunks, so an
// image of any size costs a fixed amount of memory.

#include <filesystem>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator::tre {

// Lower-case hex SHA-256 of the file's bytes; an error names the file and what failed.
Result<std::string> sha256_file(const std::filesystem::path& path);

// Ok when the image hashes to `reference_hex` (64 hex digits, either case). The error says
// why the check failed: the file cannot be read, the reference is malformed, or the two
// digests (both quoted) differ.
Status check_image(const std::filesystem::path& image, std::string_view reference_hex);

}  // namespace hnbsec::emulator::tre
