#include "harness/cli/pcap_command.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

#include "pcap/dissect/key_tables.h"
#include "pcap/keys/sa_key_export.h"
#include "pcap/keys/wireshark_uat.h"
#include "pcap/timeline/esp_sa_decryptor.h"
#include "pcap/timeline/format.h"
#include "pcap/timeline/inspect.h"
#include "pcap/timeline/timeline.h"

namespace hnbsec::cli {
namespace {

struct InspectOptions {
    std::string file;
    std::string keys;
    std::string dut;
    bool json = false;
};

struct KeysOptions {
    std::string from;
    std::string wireshark;
};

int inspect(const InspectOptions& options) {
    pcap::TimelineOptions timeline;
    std::unique_ptr<pcap::EspSaDecryptor> esp;
    if (!options.dut.empty()) {
        timeline.dut = pcap::parse_address(options.dut);
        if (!timeline.dut) {
            std::cerr << "hnbsec pcap inspect: --dut " << options.dut << " is not an IPv4 or IPv6 address\n";
            return kExitUsage;
        }
    }
    if (!options.keys.empty()) {
        auto keys = pcap::load_decryption_keys(options.keys);
        if (!keys.ok()) {
            std::cerr << "hnbsec pcap inspect: " << keys.error().message() << "\n";
            return kExitFailure;
        }
        timeline.ike_keys = std::move(keys->ike);
        auto decryptor = pcap::EspSaDecryptor::create(keys->esp);
        if (!decryptor.ok()) {
            std::cerr << "hnbsec pcap inspect: " << decryptor.error().message() << "\n";
            return kExitFailure;
        }
        esp = std::move(decryptor).value();
        timeline.esp = esp.get();
    }
    auto reader = pcap::CaptureReader::open(options.file);
    if (!reader.ok()) {
        std::cerr << "hnbsec pcap inspect: " << reader.error().message() << "\n";
        return kExitFailure;
    }
    // Streamed output: a 200k-packet capture is never held in memory. The same code path
    // is what `hnbsec bench pcap` times.
    auto status = pcap::write_inspection(*reader, timeline, options.json, stdout);
    static_cast<void>(std::fflush(stdout));
    if (!status.ok()) {
        std::cerr << "hnbsec pcap inspect: " << status.error().message() << "\n";
        return kExitFailure;
    }
    return kExitOk;
}

pcap::IkeSaSecrets secrets_of(const pcap::IkeDecryptionKey& key) {
    pcap::IkeSaSecrets s;
    for (int i = 0; i < 8; ++i) {
        s.spi_i[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.spi_i >> (56 - 8 * i));
        s.spi_r[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(key.spi_r >> (56 - 8 * i));
    }
    s.encr = key.suite.encr;
    s.encr_key_bits = key.suite.encr_key_bits;
    s.integ = key.suite.integ;
    s.sk_ei = key.keys.sk_ei;
    s.sk_er = key.keys.sk_er;
    s.sk_ai = key.keys.sk_ai;
    s.sk_ar = key.keys.sk_ar;
    return s;
}

// Key files are secrets: 0600, as pcap/keys writes them.
bool write_secret(const std::filesystem::path& path, const std::string& text) {
    return pcap::write_secret_file(path, text).ok();
}

int keys(const KeysOptions& options) {
    auto loaded = pcap::load_decryption_keys(options.from);
    if (!loaded.ok()) {
        std::cerr << "hnbsec pcap keys: " << loaded.error().message() << "\n";
        return kExitFailure;
    }
    std::vector<pcap::IkeSaSecrets> ike;
    for (const auto& k : loaded->ike) ike.push_back(secrets_of(k));
    auto ike_table = pcap::ikev2_decryption_table(ike);
    auto esp_table = pcap::esp_sa_table(loaded->esp);
    if (!ike_table.ok() || !esp_table.ok()) {
        std::cerr << "hnbsec pcap keys: "
                  << (!ike_table.ok() ? ike_table.error().message() : esp_table.error().message()) << "\n";
        return kExitFailure;
    }
    const std::filesystem::path out = options.wireshark;
    std::error_code ec;
    std::filesystem::create_directories(out, ec);
    std::filesystem::permissions(out, std::filesystem::perms::owner_all, ec);
    std::string preferences = "esp.enable_encryption_decode: TRUE\n";
    // A TLS key log (NSS format) beside the tables is copied and named in the preferences.
    for (const char* name : {"tls_keylog", "sslkeylog.log", "keylog.txt"}) {
        const auto source = std::filesystem::path(options.from) / name;
        if (!std::filesystem::exists(source, ec)) continue;
        std::ifstream in(source, std::ios::binary);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        if (!write_secret(out / "tls_keylog", text)) {
            std::cerr << "hnbsec pcap keys: cannot write " << (out / "tls_keylog").string() << "\n";
            return kExitFailure;
        }
        preferences += "tls.keylog_file: " + std::filesystem::absolute(out / "tls_keylog").string() + "\n";
        break;
    }
    if (!write_secret(out / "ikev2_decryption_table", *ike_table) ||
        !write_secret(out / "esp_sa", *esp_table) || !write_secret(out / "preferences", preferences)) {
        std::cerr << "hnbsec pcap keys: cannot write into " << out.string() << "\n";
        return kExitFailure;
    }
    std::cout << "wrote " << ike.size() << " IKE SA(s) and " << loaded->esp.size() << " ESP SA(s) to "
              << out.string()
              << " (use: WIRESHARK_CONFIG_DIR=... or tshark -C with this folder as a profile)\n";
    return kExitOk;
}

}  // namespace

void register_pcap_command(CLI::App& app, Action& action) {
    auto* pcap = app.add_subcommand("pcap", "Wire evidence: inspect captures, export decryption keys");
    pcap->require_subcommand(1);

    auto inspect_options = std::make_shared<InspectOptions>();
    auto* inspect_cmd =
        pcap->add_subcommand("inspect", "One line per packet (pcap or pcapng), decrypted with keys");
    inspect_cmd->add_option("file", inspect_options->file, "capture file (pcap or pcapng)")->required();
    inspect_cmd->add_option("--keys", inspect_options->keys,
                            "folder with ikev2_decryption_table and esp_sa (Wireshark UAT format)");
    inspect_cmd->add_option("--dut", inspect_options->dut,
                            "address of the device under test (for directions)");
    inspect_cmd->add_flag("--json", inspect_options->json, "a JSON array of records instead of text");
    inspect_cmd->callback(
        [inspect_options, &action] { action = [inspect_options] { return inspect(*inspect_options); }; });

    auto keys_options = std::make_shared<KeysOptions>();
    auto* keys_cmd =
        pcap->add_subcommand("keys", "Check and copy decryption tables into a Wireshark profile folder");
    keys_cmd
        ->add_option("--from", keys_options->from, "evidence folder holding ikev2_decryption_table / esp_sa")
        ->required();
    keys_cmd->add_option("--wireshark", keys_options->wireshark, "output folder (a Wireshark profile)")
        ->required();
    keys_cmd->callback([keys_options, &action] { action = [keys_options] { return keys(*keys_options); }; });
}

}  // namespace hnbsec::cli
