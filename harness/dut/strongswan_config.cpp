#include "harness/dut/strongswan_config.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness/dut/strongswan_settings.h"

namespace hnbsec::dut {
namespace fs = std::filesystem;

namespace {

// Order matters: kernel-libipsec before kernel-netlink; kdf is needed since 5.9.8 with an
// explicit list (LAB.md §10). No curl: revocation is whatever the SeGW staples or nothing.
constexpr const char* kPlugins =
    "random nonce openssl kdf pem pkcs1 pkcs8 x509 pubkey revocation constraints pkcs11 "
    "kernel-libipsec kernel-netlink socket-default vici updown attr resolve";

std::string seconds_text(std::chrono::milliseconds ms) {
    return std::to_string(ms.count() / 1000) + "." + std::to_string((ms.count() % 1000) / 100);
}

}  // namespace

CharonFiles charon_files(const fs::path& dir) {
    std::error_code ec;
    fs::path abs = fs::absolute(dir, ec);
    if (ec) abs = dir;
    abs = abs.lexically_normal();
    CharonFiles f;
    f.dir = abs;
    f.strongswan_conf = abs / "strongswan.conf";
    f.swanctl_dir = abs / "swanctl";
    f.run_dir = abs / "run";
    f.pid_file = f.run_dir / "charon.pid";
    f.vici_socket = abs / "charon.vici";
    f.log = abs / "charon.log";
    f.output = abs / "charon.out";
    f.initiate_log = abs / "initiate.log";
    f.resolv_conf = abs / "resolv.conf";
    return f;
}

Result<std::string> render_strongswan_conf(const CharonFiles& files, const CharonSettings& settings) {
    SettingsWriter w;
    w.open("charon");
    w.value("load_modular", false);
    w.value("load", kPlugins);
    w.value("install_routes", true);
    w.value("retransmit_tries", settings.retransmit_tries);
    w.value("retransmit_timeout", seconds_text(settings.retransmit_timeout));
    w.open("plugins");
    w.open("vici");
    w.value("socket", kViciUri);
    w.close();
    w.open("resolve");
    w.value("file", files.resolv_conf.string());
    w.close();
    w.open("pkcs11");
    w.open("modules");
    w.open("token");
    w.value("path", settings.pkcs11_module.string());
    w.close();
    w.close();
    w.close();
    w.close();  // plugins
    w.open("filelog");
    w.open("main");
    w.value("path", files.log.string());
    w.value("time_format", "%H:%M:%S");
    w.value("flush_line", true);
    w.value("append", false);
    // Level 2 shows the exchanges and the certificate checks; key dumps start at 4.
    w.value("default", 1);
    w.value("ike", 2);
    w.value("cfg", 2);
    w.value("chd", 2);
    w.value("net", 1);
    w.value("knl", 1);
    w.close();
    w.close();
    w.open("syslog");
    w.open("daemon");
    w.value("default", -1);
    w.close();
    w.close();
    w.close();  // charon
    HNBSEC_TRY(std::string body, w.text());
    return "# written by hnbsec harness/dut (strongSwan as the H(e)NB)\n" + body;
}

Result<std::string> render_swanctl_conf(const HnbConnection& c, const hsm::Pin& pin) {
    SettingsWriter w;
    w.open("connections");
    w.open(kConnection);
    w.value("version", 2);
    w.value("local_addrs", c.local_address);
    w.value("remote_addrs", c.segw_address);
    w.value("encap", true);      // kernel-libipsec sends ESP in UDP 4500 anyway (LAB.md §10)
    w.value("vips", "0.0.0.0");  // CP(CFG_REQUEST) for the inner address
    w.value("proposals", c.ike_proposals);
    w.open("local");
    w.value("auth", "pubkey");
    w.value("certs", c.certificate);
    w.value("id", c.identity);
    w.close();
    w.open("remote");
    w.value("auth", "pubkey");
    w.value("id", c.segw_fqdn);
    w.close();
    w.open("children");
    w.open(kChild);
    w.value("remote_ts", c.remote_ts);
    w.value("esp_proposals", c.esp_proposals);
    w.close();
    w.close();
    w.close();
    w.close();  // connections
    w.open("secrets");
    w.open("token-device");
    w.value("module", "token");
    w.value("handle", c.key_id_hex);
    w.value("pin", std::string_view(pin.secret_data(), pin.secret_size()));
    w.close();
    w.close();
    auto text = w.text();
    w.wipe();
    if (!text.ok()) return std::move(text).error();
    return "# written by hnbsec harness/dut; holds the token PIN: mode 0600, never copy it\n" + *text;
}

Status write_private_file(const fs::path& path, std::string_view text) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error("cannot create " + path.string() + ": " + std::strerror(errno));  // NOLINT
    ::fchmod(fd, 0600);  // an existing file keeps its mode through O_CREAT
    std::size_t at = 0;
    while (at < text.size()) {
        const ssize_t n = ::write(fd, text.data() + at, text.size() - at);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        at += static_cast<std::size_t>(n);
    }
    const bool closed = ::close(fd) == 0;
    if (at != text.size() || !closed) return Error("cannot write " + path.string());
    return Ok{};
}

std::vector<std::string> split_pem_certificates(std::string_view pem) {
    static constexpr std::string_view kBegin = "-----BEGIN CERTIFICATE-----";
    static constexpr std::string_view kEnd = "-----END CERTIFICATE-----";
    std::vector<std::string> out;
    std::size_t at = 0;
    for (;;) {
        const auto begin = pem.find(kBegin, at);
        if (begin == std::string_view::npos) break;
        const auto end = pem.find(kEnd, begin);
        if (end == std::string_view::npos) break;
        out.emplace_back(pem.substr(begin, end + kEnd.size() - begin));
        out.back() += "\n";
        at = end + kEnd.size();
    }
    return out;
}

}  // namespace hnbsec::dut
