#include "pcap/keys/sa_key_export.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

namespace hnbsec::pcap {
namespace fs = std::filesystem;

namespace {

std::string address_text(const ike::Bytes& ip) {
    char text[INET6_ADDRSTRLEN] = {};
    const int family = ip.size() == 4 ? AF_INET : AF_INET6;
    if (ip.size() != 4 && ip.size() != 16) return "?";
    if (inet_ntop(family, ip.data(), text, sizeof text) == nullptr) return "?";
    return text;
}

std::array<std::uint8_t, 8> spi_bytes(std::uint64_t spi) {
    std::array<std::uint8_t, 8> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i) bytes[i] = static_cast<std::uint8_t>(spi >> (56 - 8 * i));
    return bytes;
}

}  // namespace

Status write_secret_file(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error("cannot write " + temporary.string() + ": " + std::strerror(errno));
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (::close(fd) != 0 || !written) return Error("cannot write " + temporary.string());
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) return Error("cannot replace " + path.string() + ": " + ec.message());
    return Ok{};
}

SaSecrets secrets_of(const ike::IkeSa& sa) {
    SaSecrets secrets;
    const auto exported = sa.key_export();
    if (!exported) return secrets;
    IkeSaSecrets s;
    s.spi_i = spi_bytes(exported->spi_i);
    s.spi_r = spi_bytes(exported->spi_r);
    s.encr = exported->suite.encr;
    s.encr_key_bits = exported->suite.encr_key_bits;
    s.integ = exported->suite.integ;
    s.sk_ei = exported->keys.sk_ei;
    s.sk_er = exported->keys.sk_er;
    s.sk_ai = exported->keys.sk_ai;
    s.sk_ar = exported->keys.sk_ar;
    secrets.ike.push_back(std::move(s));
    const std::string us = address_text(sa.local().ip);
    const std::string peer = address_text(sa.remote().ip);
    const bool v6 = sa.local().ip.size() == 16;
    for (const ike::ChildSa& child : sa.child_sas()) {
        secrets.esp.push_back({v6, peer, us, child.spi_in, child.suite.encr, child.suite.encr_key_bits,
                               child.suite.integ, child.encr_in(), child.integ_in()});
        secrets.esp.push_back({v6, us, peer, child.spi_out, child.suite.encr, child.suite.encr_key_bits,
                               child.suite.integ, child.encr_out(), child.integ_out()});
    }
    return secrets;
}

Status export_wireshark_keys(const std::vector<const ike::IkeSa*>& sas, const fs::path& dir) {
    SaSecrets all;
    for (const ike::IkeSa* sa : sas) {
        SaSecrets one = secrets_of(*sa);
        all.ike.insert(all.ike.end(), one.ike.begin(), one.ike.end());
        all.esp.insert(all.esp.end(), one.esp.begin(), one.esp.end());
    }
    HNBSEC_TRY(std::string ike_table, ikev2_decryption_table(all.ike));
    HNBSEC_TRY(std::string esp_table, esp_sa_table(all.esp));
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Error("cannot create " + dir.string() + ": " + ec.message());
    HNBSEC_CHECK(write_secret_file(dir / "ikev2_decryption_table", ike_table));
    return write_secret_file(dir / "esp_sa", esp_table);
}

}  // namespace hnbsec::pcap
