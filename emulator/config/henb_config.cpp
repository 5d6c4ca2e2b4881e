#include "emulator/config/henb_config.h"

#include <algorithm>
#include <array>
#include <cctype>

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include "emulator/config/config_reader.h"
#include "emulator/defects/defect.h"

namespace hnbsec::emulator {
namespace {

using detail::ConfigReader;
using detail::Need;

constexpr std::size_t kSha256HexDigits = 64;
constexpr std::int64_t kMaxPort = 65535;
constexpr std::int64_t kMinMtu = 576;
constexpr std::int64_t kMaxMtu = 9000;
constexpr std::size_t kMaxInterfaceName = 15;  // IFNAMSIZ - 1

bool is_ip_literal(const std::string& text) {
    unsigned char buffer[sizeof(in6_addr)];
    return inet_pton(AF_INET, text.c_str(), buffer) == 1 || inet_pton(AF_INET6, text.c_str(), buffer) == 1;
}

bool is_hex(const std::string& text) {
    return std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isxdigit(c) != 0; });
}

// "a.b.c.d/n" or "x::/n".
bool is_prefix(const std::string& text) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) return false;
    const auto address = text.substr(0, slash);
    const auto length = text.substr(slash + 1);
    if (length.empty() || length.size() > 3 || !std::all_of(length.begin(), length.end(), ::isdigit))
        return false;
    const int bits = std::stoi(length);
    const bool v4 = address.find(':') == std::string::npos;
    return is_ip_literal(address) && bits <= (v4 ? 32 : 128);
}

void read_device(ConfigReader r, DeviceSection& d) {
    if (auto v = r.text("identity", Need::kRequired)) {
        d.identity = *v;
        if (d.identity.find('.') == std::string::npos) r.problem("identity", "must be an FQDN <EUI>.<realm>");
    }
    if (auto v = r.path("state_dir", Need::kRequired)) d.state_dir = *v;
    if (auto v = r.path("control_socket")) d.control_socket = *v;
    d.log_file = r.path("log_file");
    if (auto v = r.path("image", Need::kRequired)) d.image = *v;
    if (auto v = r.text("image_sha256", Need::kRequired)) {
        if (v->size() != kSha256HexDigits || !is_hex(*v)) {
            r.problem("image_sha256", "must be 64 hex digits (SHA-256)");
        } else {
            d.image_sha256 = *v;
            std::transform(d.image_sha256.begin(), d.image_sha256.end(), d.image_sha256.begin(), ::tolower);
        }
    }
    r.unknown_keys();
    if (d.control_socket.empty() && !d.state_dir.empty()) d.control_socket = d.state_dir / "control.sock";
    if (!d.log_file && !d.state_dir.empty()) d.log_file = d.state_dir / "console.log";
}

void read_token(ConfigReader r, TokenSection& t) {
    if (auto v = r.path("module", Need::kRequired)) t.module = *v;
    if (auto v = r.text("key_uri", Need::kRequired)) {
        t.key_uri = *v;
        if (t.key_uri.rfind("pkcs11:", 0) != 0) r.problem("key_uri", "must be a pkcs11: URI (RFC 7512)");
        if (t.key_uri.find("pin-value") != std::string::npos) {
            r.problem("key_uri", "must not carry pin-value: name a pin_file or pin_env instead");
        }
    }
    t.pin_file = r.path("pin_file");
    t.pin_env = r.text("pin_env");
    t.softhsm_conf = r.path("softhsm_conf");
    if (r.present() && t.pin_file.has_value() == t.pin_env.has_value()) {
        r.problem("pin_file", "exactly one of pin_file and pin_env is needed");
    }
    r.unknown_keys();
}

void read_certificates(ConfigReader r, CertificatesSection& c) {
    if (auto v = r.path("device_chain", Need::kRequired)) c.device_chain = *v;
    if (auto v = r.path("trust_anchors", Need::kRequired)) c.trust_anchors = *v;
    r.unknown_keys();
}

void read_segw(ConfigReader r, SegwSection& s) {
    if (auto v = r.text("address", Need::kRequired)) {
        s.address = *v;
        if (!is_ip_literal(s.address)) r.problem("address", "must be an IPv4 or IPv6 address");
    }
    if (auto v = r.text("fqdn", Need::kRequired)) s.fqdn = *v;
    if (auto v = r.integer("port", 1, kMaxPort)) s.port = static_cast<std::uint16_t>(*v);
    if (auto v = r.text_list("ike_proposals")) s.ike_proposals = *v;
    if (auto v = r.text_list("esp_proposals")) s.esp_proposals = *v;
    if (auto v = r.text_list("remote_networks")) {
        for (const auto& n : *v) {
            if (!is_prefix(n)) r.problem("remote_networks", fmt::format("'{}' is not an address/prefix", n));
        }
        s.remote_networks = *v;
    }
    if (auto v = r.boolean("ocsp_request")) s.ocsp_request = *v;
    if (auto v = r.boolean("ocsp_required")) s.ocsp_required = *v;
    if (auto v = r.path_list("ocsp_responders")) s.ocsp_responders = *v;
    if (auto v = r.boolean("force_nat_t")) s.force_nat_t = *v;
    if (auto v = r.millis("retry_base_ms")) s.retry_base = *v;
    if (auto v = r.millis("retry_max_ms")) s.retry_max = *v;
    if (auto v = r.millis("ike_timeout_ms")) s.ike_timeout = *v;
    if (s.retry_max < s.retry_base) r.problem("retry_max_ms", "must not be below retry_base_ms");
    r.unknown_keys();
}

void read_tunnel(ConfigReader r, TunnelSection& t) {
    if (auto v = r.text("interface")) {
        if (v->size() > kMaxInterfaceName)
            r.problem("interface", "at most 15 characters (Linux interface name)");
        t.interface = *v;
    }
    if (auto v = r.integer("mtu", kMinMtu, kMaxMtu)) t.mtu = static_cast<int>(*v);
    r.unknown_keys();
}

void read_backhaul(ConfigReader r, BackhaulSection& b) {
    if (auto v = r.text("interface", Need::kRequired)) b.interface = *v;
    if (auto v = r.text("address", Need::kRequired)) {
        b.address = *v;
        if (!is_ip_literal(b.address)) r.problem("address", "must be an IPv4 or IPv6 address");
    }
    r.unknown_keys();
}

std::optional<TimeSection> read_time(ConfigReader r) {
    if (!r.present()) return std::nullopt;
    TimeSection t;
    if (auto v = r.text("server", Need::kRequired)) {
        t.server = *v;
        if (!is_ip_literal(t.server)) r.problem("server", "must be an IPv4 or IPv6 address");
    }
    if (auto v = r.integer("port", 1, kMaxPort)) t.port = static_cast<std::uint16_t>(*v);
    if (auto v = r.boolean("inside")) t.inside = *v;
    if (auto v = r.millis("timeout_ms")) t.timeout = *v;
    r.unknown_keys();
    return t;
}

std::optional<HemsSection> read_hems(ConfigReader r) {
    if (!r.present()) return std::nullopt;
    HemsSection h;
    if (auto v = r.text("url", Need::kRequired)) {
        h.url = *v;
        if (h.url.rfind("https://", 0) != 0 && h.url.rfind("http://", 0) != 0) {
            r.problem("url", "must be an https:// (or http://) URL");
        }
    }
    if (auto v = r.boolean("inside")) h.inside = *v;
    h.trust_anchors = r.path("trust_anchors");
    if (auto v = r.millis("timeout_ms")) h.timeout = *v;
    r.unknown_keys();
    return h;
}

void read_boot(ConfigReader r, BootSection& b) {
    if (auto v = r.boolean("power_on")) b.power_on = *v;
    if (auto v = r.boolean("hpm_present")) b.hpm_present = *v;
    if (auto v = r.text_list("defects")) {
        for (const auto& name : *v) {
            if (!defect_from_name(name)) {
                r.problem("defects", fmt::format("unknown defect '{}' (hnbsec-henb --list-defects)", name));
            }
        }
        b.defects = *v;
    }
    r.unknown_keys();
}

}  // namespace

Result<HenbConfig> load_henb_config(const std::filesystem::path& path) {
    const auto context = fmt::format("reading emulator configuration {}", path.string());
    toml::table root;
    try {
        root = toml::parse_file(path.string());
    } catch (const toml::parse_error& e) {
        const auto& where = e.source().begin;
        return Error(fmt::format("{}:{}:{}: {}", path.string(), where.line, where.column, e.description()))
            .context(context);
    }
    std::vector<std::string> problems;
    const auto base = std::filesystem::absolute(path).parent_path();
    auto section = [&](std::string_view name) {
        return ConfigReader(root[name].as_table(), std::string(name), base, problems);
    };
    HenbConfig config;
    config.source = std::filesystem::absolute(path);
    read_device(section("device"), config.device);
    read_token(section("token"), config.token);
    read_certificates(section("certificates"), config.certificates);
    read_segw(section("segw"), config.segw);
    read_tunnel(section("tunnel"), config.tunnel);
    read_backhaul(section("backhaul"), config.backhaul);
    config.time = read_time(section("time"));
    config.hems = read_hems(section("hems"));
    read_boot(section("boot"), config.boot);
    constexpr std::array<std::string_view, 9> kSections{"device",   "token", "certificates", "segw", "tunnel",
                                                        "backhaul", "time",  "hems",         "boot"};
    for (const auto& [key, node] : root) {
        if (std::find(kSections.begin(), kSections.end(), key.str()) == kSections.end()) {
            problems.push_back(fmt::format("[{}]: unknown section", key.str()));
        } else if (!node.is_table()) {
            problems.push_back(fmt::format("{}: must be a table [{}]", key.str(), key.str()));
        }
    }
    if (!problems.empty()) {
        std::string text = fmt::format("{} problem(s) in {}:", problems.size(), path.string());
        for (const auto& p : problems) text += "\n  " + p;
        return Error(text).context(context);
    }
    return config;
}

}  // namespace hnbsec::emulator
