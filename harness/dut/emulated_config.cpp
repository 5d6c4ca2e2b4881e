#include "harness/dut/emulated_config.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>
#include <vector>

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <toml++/toml.h>
#include <unistd.h>

#include "harness/dut/token_pin.h"
#include "harness/lab/token_setup.h"

namespace hnbsec::dut {
namespace fs = std::filesystem;

namespace {

std::string absolute_text(const fs::path& path) {
    std::error_code ec;
    const fs::path abs = fs::absolute(path, ec);
    return (ec ? path : abs).lexically_normal().string();
}

Result<const pki::Entry*> need(const pki::Manifest& manifest, const std::string& name, const char* why) {
    const pki::Entry* entry = manifest.find(name);
    if (entry == nullptr)
        return Error("the PKI manifest in " + manifest.dir.string() + " has no '" + name + "' (" + why + ")");
    return entry;
}

Result<std::string> need_file(const pki::Manifest& manifest, const pki::Entry& entry,
                              const std::string& which) {
    const fs::path file = manifest.file(entry, which);
    if (file.empty()) return Error("the PKI manifest's '" + entry.name + "' has no " + which + " file");
    return absolute_text(file);
}

bool is_ip_literal(const std::string& text) {
    std::array<unsigned char, 16> buffer{};
    return ::inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
           ::inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

toml::array strings(const std::vector<std::string>& values) {
    toml::array out;
    for (const auto& v : values) out.push_back(v);
    return out;
}

}  // namespace

EmulatedDutFiles emulated_dut_files(const fs::path& run_dir) {
    std::error_code ec;
    fs::path dir = fs::absolute(run_dir, ec);
    if (ec) dir = run_dir;
    dir = dir.lexically_normal();
    EmulatedDutFiles f;
    f.run_dir = dir;
    f.config = dir / "henb.toml";
    f.state_dir = dir / "state";
    f.control_socket = f.state_dir / "control.sock";
    f.console_log = f.state_dir / "console.log";
    f.output = dir / "henb.out";
    f.image = dir / "image.bin";
    return f;
}

Result<std::string> render_henb_config(const profile::Profile& profile, const pki::Manifest& manifest,
                                       const net::NetworkPlan& plan, const EmulatedDutFiles& files,
                                       const std::string& image_sha256,
                                       const EmulatedConfigOptions& options) {
    HNBSEC_TRY(const pki::Entry* device, need(manifest, options.device, "the device certificate"));
    HNBSEC_TRY(const pki::Entry* trust, need(manifest, options.trust_bundle, "the operator trust bundle"));
    if (!device->key || !device->key->on_token())
        return Error(
            "the device key '" + options.device +
            "' is not on a PKCS#11 token (the emulator's TrE holds it there); run 'hnbsec pki init'");
    HNBSEC_TRY(std::string chain, need_file(manifest, *device, "chain"));
    HNBSEC_TRY(std::string anchors, need_file(manifest, *trust, "pem"));

    toml::table device_section{{"identity", profile.dut.identity},
                               {"state_dir", files.state_dir.string()},
                               {"control_socket", files.control_socket.string()},
                               {"log_file", files.console_log.string()},
                               {"image", files.image.string()},
                               {"image_sha256", image_sha256}};

    toml::table token{{"module", absolute_text(profile.hsm.module)}, {"key_uri", device->key->location}};
    const auto store = softhsm_store(profile, manifest);
    HNBSEC_TRY(const PinLocation pin,
               device_pin_location(profile, manifest, options.pin_file, options.pin_env));
    if (pin.file) {
        token.insert("pin_file", pin.file->string());
    } else {
        token.insert("pin_env", *pin.env);
    }
    if (lab::is_softhsm_module(profile.hsm.module) && store)
        token.insert("softhsm_conf", absolute_text(*store / "softhsm2.conf"));

    toml::table segw{{"address", plan.segw_address},
                     {"fqdn", profile.pixit.segw_fqdn},
                     {"remote_networks", strings({plan.core_network})},
                     {"ocsp_request", options.ocsp_request.value_or(profile.pics.has("P.OCSP_INBAND"))},
                     {"ocsp_required", options.ocsp_required.value_or(profile.pics.has("P.OCSP_INBAND"))},
                     {"force_nat_t", options.force_nat_t}};
    if (const pki::Entry* responder = manifest.find(options.ocsp_responder); responder != nullptr) {
        HNBSEC_TRY(std::string pem, need_file(manifest, *responder, "pem"));
        segw.insert("ocsp_responders", strings({pem}));
    }

    toml::table config{
        {"device", device_section},
        {"token", token},
        {"certificates", toml::table{{"device_chain", chain}, {"trust_anchors", anchors}}},
        {"segw", segw},
        {"tunnel", toml::table{{"interface", "henb0"}, {"mtu", plan.tun_mtu}}},
        {"backhaul", toml::table{{"interface", plan.dut_link}, {"address", plan.dut_address}}},
        {"boot",
         toml::table{{"power_on", true}, {"hpm_present", true}, {"defects", strings(options.defects)}}}};

    // The time server: inside the tunnel when declared, else the secure outer one. The
    // emulator takes IP literals only (the lab network has no resolver).
    const auto& pixit = profile.pixit;
    if (profile.pics.has("P.TIME_INNER") && pixit.time_server_inner &&
        is_ip_literal(*pixit.time_server_inner)) {
        config.insert("time", toml::table{{"server", *pixit.time_server_inner}, {"inside", true}});
    } else if (profile.pics.has("P.TIME_OUTER_SECURE") && pixit.time_server_outer &&
               is_ip_literal(*pixit.time_server_outer)) {
        config.insert("time", toml::table{{"server", *pixit.time_server_outer}, {"inside", false}});
    }
    if (profile.pics.has("P.HEMS_INNER") && pixit.hems_serving_url) {
        config.insert("hems", toml::table{{"url", pixit.hems_serving_url->text}, {"inside", true}});
    } else if (profile.pics.has("P.HEMS_PUBLIC") && pixit.hems_initial_url) {
        config.insert("hems", toml::table{{"url", pixit.hems_initial_url->text}, {"inside", false}});
    }

    std::ostringstream out;
    out << "# hnbsec-henb configuration written by the emulated DUT adapter (harness/dut) for run "
        << plan.run_id.text() << "\n# from profile " << profile.source.string() << " (sha256 "
        << profile.digest << ")\n\n"
        << config << "\n";
    return out.str();
}

Result<std::string> file_sha256(const fs::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) return Error("cannot read " + file.string());
    const std::vector<unsigned char> bytes((std::istreambuf_iterator<char>(in)),
                                           std::istreambuf_iterator<char>());
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        return Error("SHA-256 of " + file.string() + " failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < length; ++i) {
        hex.push_back(kHex[digest[i] >> 4]);
        hex.push_back(kHex[digest[i] & 0xf]);
    }
    return hex;
}

Result<std::string> write_image(const fs::path& image, std::size_t size) {
    std::vector<unsigned char> bytes(size);
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        return Error("OpenSSL could not produce random bytes for the image");
    {
        std::ofstream out(image, std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(
                      bytes.data()),  // NOLINT(cppcoreguidelines-pro-type-reinterpret-cast)
                  static_cast<std::streamsize>(bytes.size()));
        if (!out) return Error("cannot write the image " + image.string());
    }
    return file_sha256(image);
}

Status tamper_image(const fs::path& image) {
    std::fstream file(image, std::ios::binary | std::ios::in | std::ios::out);
    if (!file) return Error("cannot open the image " + image.string());
    // A byte in the middle: any single flipped bit changes the SHA-256.
    std::error_code ec;
    const auto size = static_cast<std::streamoff>(fs::file_size(image, ec));
    if (ec || size == 0) return Error("the image " + image.string() + " is empty");
    const std::streamoff at = size / 2;
    char byte = 0;
    file.seekg(at);
    file.get(byte);
    file.seekp(at);
    file.put(static_cast<char>(byte ^ 0x5a));
    if (!file) return Error("cannot rewrite the image " + image.string());
    return Ok{};
}

}  // namespace hnbsec::dut
