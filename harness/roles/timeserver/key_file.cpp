#include "harness/roles/timeserver/key_file.h"

#include <fstream>
#include <sstream>

#include "proto/ntp/mac.h"

namespace hnbsec::timeserver {

Result<KeyTable> load_key_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Error("cannot read NTP key file " + path.string());
    std::ostringstream text;
    text << in.rdbuf();
    auto keys = ntp::parse_chrony_keys(text.str());
    if (!keys.ok()) return std::move(keys).error().context("reading NTP key file " + path.string());
    return std::move(*keys);
}

}  // namespace hnbsec::timeserver
