#include "emulator/tre/device_key.h"

#include <fmt/format.h>
#include <stdlib.h>

#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/pkcs11_uri.h"

namespace hnbsec::emulator::tre {
namespace {

Result<hsm::Pin> read_pin(const TokenSection& token) {
    if (token.pin_file) return hsm::PinSource::file(*token.pin_file).read();
    if (token.pin_env) return hsm::PinSource::environment(*token.pin_env).read();
    return Error("[token] names no PIN source (pin_file or pin_env)");
}

}  // namespace

Result<DeviceKey> DeviceKey::open(const TokenSection& token) {
    if (token.softhsm_conf && ::setenv("SOFTHSM2_CONF", token.softhsm_conf->c_str(), 1) != 0) {
        return Error("cannot export SOFTHSM2_CONF");
    }
    HNBSEC_TRY(auto module, hsm::Pkcs11Module::load(token.module.string()));
    auto uri = hsm::Pkcs11Uri::parse(token.key_uri);
    if (!uri) return std::move(uri).error().context("reading [token] key_uri");
    HNBSEC_TRY(hsm::Pin pin, read_pin(token));
    auto key = hsm::Libp11Key::open(std::move(module), *uri, pin);
    if (!key) return std::move(key).error().context(fmt::format("opening the device key {}", uri->format()));
    DeviceKey out;
    out.token_key_.emplace(std::move(key).value());
    return out;
}

DeviceKey DeviceKey::from_software_key(ossl::EvpPkeyPtr key) {
    DeviceKey out;
    out.software_key_ = std::move(key);
    return out;
}

EVP_PKEY* DeviceKey::pkey() const {
    return token_key_ ? token_key_->pkey() : software_key_.get();
}

}  // namespace hnbsec::emulator::tre
