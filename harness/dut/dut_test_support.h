#pragma once
// Shared by the DUT adapter tests: a temporary folder and a profile like the shipped
// emulated one, with its PKI and token under that folder.

#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <stdlib.h>

#include "core/testing/temp_dir.h"
#include "harness/profile/load.h"

namespace hnbsec::dut::testing {

using test_support::TempDir;  // core/testing/temp_dir.h

inline std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// An emulated (or strongswan) H(e)NB profile whose PKI and token live in `dir`.
inline std::string profile_text(const std::filesystem::path& dir, std::string_view kind = "emulated") {
    return "[dut]\nkind = \"" + std::string(kind) +
           "\"\neui = \"00A0C9000001\"\nrealm = \"hnb.lab.test\"\nouter_address = \"192.168.77.2\"\n"
           "[pics]\nP.HENB = true\nP.HEMS_INNER = true\nP.TLS_INNER = true\nP.TIME_INNER = true\n"
           "P.OCSP_INBAND = true\nP.NATT = true\n"
           "[pixit]\nsegw_fqdn = \"segw.lab.test\"\nsegw_address = \"192.168.77.1\"\n"
           "inner_pool = \"10.77.0.0/24\"\ncore_network = \"10.78.0.0/24\"\n"
           "hems_serving_url = \"https://10.78.0.10:7547/cwmp\"\ntime_server_inner = \"10.78.0.123\"\n"
           "[pki]\ndir = \"" +
           (dir / "pki").string() + "\"\nflavours = [\"rsa2048\"]\n[hsm]\nsofthsm_dir = \"" +
           (dir / "token").string() + "\"\n";
}

inline profile::Profile load_test_profile(const std::filesystem::path& dir,
                                          std::string_view kind = "emulated") {
    auto loaded = profile::parse_profile(profile_text(dir, kind), (dir / "lab.toml").string());
    if (!loaded.ok()) {
        std::string all;
        for (const auto& p : loaded.problems) all += p.message + "\n";
        throw std::runtime_error("test profile rejected:\n" + all);  // test support only
    }
    return *loaded.profile;
}

}  // namespace hnbsec::dut::testing
