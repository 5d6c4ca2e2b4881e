// segw_link_probe: one SegwLink attempt from an emulator configuration, for the interop
// tests. Loads the token key and the device chain as hnbsec-henb does, waits for the
// tunnel, prints "UP inner=<address> tun=<name>" (or "FAILED: <reason>", exit 1), then
// obeys stdin, one command per line:
//   delete          close with an INFORMATIONAL DELETE, print "DOWN <reason>", exit 0
//   wait-down MS    print "DOWN <reason>" once the SeGW ends the link (exit 0), or
//                   "STILL-UP" after MS milliseconds
// End of input is `delete`.

#include <cstdlib>
#include <iostream>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "emulator/config/henb_config.h"
#include "emulator/segw_link/pem_certificates.h"
#include "emulator/segw_link/segw_link.h"
#include "hsm/libp11_key.h"
#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/pkcs11_uri.h"

namespace hnbsec::emulator {
namespace {

Result<hsm::Libp11Key> open_token_key(const TokenSection& token) {
    if (token.softhsm_conf) ::setenv("SOFTHSM2_CONF", token.softhsm_conf->c_str(), 1);
    HNBSEC_TRY(auto module, hsm::Pkcs11Module::load(token.module.string()));
    HNBSEC_TRY(hsm::Pkcs11Uri uri, hsm::Pkcs11Uri::parse(token.key_uri));
    const hsm::PinSource source = token.pin_file ? hsm::PinSource::file(*token.pin_file)
                                                 : hsm::PinSource::environment(token.pin_env.value_or(""));
    HNBSEC_TRY(hsm::Pin pin, source.read());
    return hsm::Libp11Key::open(module, uri, pin);
}

int run(const std::string& config_path, const std::vector<std::string>& defect_names, int timeout_ms) {
    auto config = load_henb_config(config_path);
    if (!config.ok()) {
        std::cout << "FAILED: " << config.error().message() << std::endl;
        return 1;
    }
    DefectSet defects;
    for (const auto& name : config->boot.defects) defects.set(*defect_from_name(name));
    for (const auto& name : defect_names) {
        auto defect = defect_from_name(name);
        if (!defect) {
            std::cout << "FAILED: unknown defect " << name << std::endl;
            return 1;
        }
        defects.set(*defect);
    }
    auto key = open_token_key(config->token);
    if (!key.ok()) {
        std::cout << "FAILED: " << key.error().message() << std::endl;
        return 1;
    }
    auto chain = read_pem_certificates(config->certificates.device_chain);
    if (!chain.ok()) {
        std::cout << "FAILED: " << chain.error().message() << std::endl;
        return 1;
    }
    ConsoleLog log;
    SegwLinkParams params;
    params.config = &*config;
    params.defects = &defects;
    params.log = &log;
    params.device_key = key->pkey();
    params.device_chain = std::move(*chain);
    params.device_clock = [] { return std::time(nullptr); };
    auto link = SegwLink::start(std::move(params));
    if (!link.ok()) {
        std::cout << "FAILED: " << link.error().message() << std::endl;
        return 1;
    }
    auto up = (*link)->wait_up(std::chrono::milliseconds(timeout_ms));
    if (!up.ok()) {
        std::cout << "FAILED: " << up.error().message() << std::endl;
        return 1;
    }
    std::cout << "UP inner=" << up->inner_address << " tun=" << up->tun_interface << std::endl;
    std::string line;
    while (std::getline(std::cin, line)) {
        if (line.rfind("wait-down ", 0) == 0) {
            char* end = nullptr;
            const long ms = std::strtol(line.c_str() + 10, &end, 10);
            if (end == line.c_str() + 10 || *end != '\0' || ms < 0) {
                std::cout << "ERROR: wait-down takes milliseconds" << std::endl;
                continue;
            }
            auto down = (*link)->wait_down(std::chrono::milliseconds(ms));
            if (down.ok()) {
                std::cout << "DOWN " << *down << std::endl;
                return 0;
            }
            std::cout << "STILL-UP" << std::endl;
        } else if (line == "delete") {
            break;
        }
    }
    (*link)->close(true);
    auto down = (*link)->wait_down(std::chrono::milliseconds(100));
    std::cout << "DOWN " << (down.ok() ? *down : down.error().message()) << std::endl;
    return 0;
}

}  // namespace
}  // namespace hnbsec::emulator

int main(int argc, char** argv) {
    std::string config;
    std::vector<std::string> defects;
    int timeout_ms = 20000;
    CLI::App app{"segw_link_probe: one SegwLink attempt from an hnbsec-henb configuration"};
    app.add_option("--config", config, "henb.toml")->required()->check(CLI::ExistingFile);
    app.add_option("--defect", defects, "Defect switch (repeatable)");
    app.add_option("--timeout-ms", timeout_ms, "How long to wait for the tunnel");
    CLI11_PARSE(app, argc, argv);
    return hnbsec::emulator::run(config, defects, timeout_ms);
}
