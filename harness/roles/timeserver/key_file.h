#pragma once
// Loads symmetric NTP keys from a chrony keyfile (chrony.conf(5), "keyfile"), the one
// place key material enters the time server: never from the command line, never
// into logs (errors name the file and line only).

#include <filesystem>

#include "core/result.h"
#include "harness/roles/timeserver/knobs.h"

namespace hnbsec::timeserver {

Result<KeyTable> load_key_file(const std::filesystem::path& path);

}  // namespace hnbsec::timeserver
