#pragma once
// The device's private key as the TrE holds it: on a PKCS#11 token (SoftHSM2 by default),
// used through libp11 so OpenSSL signs on the token and the key never leaves it. The PIN
// comes from [token] pin_file or pin_env and is never logged (hsm::Pin).

#include <memory>
#include <optional>

#include <openssl/evp.h>

#include "core/result.h"
#include "emulator/config/henb_config.h"
#include "hsm/libp11_key.h"
#include "proto/ossl/handles.h"

namespace hnbsec::emulator::tre {

class DeviceKey {
public:
    // Exports [token] softhsm_conf as SOFTHSM2_CONF (before the module is loaded: SoftHSM2
    // reads it in C_Initialize), loads the module, parses key_uri, reads the PIN and logs in.
    static Result<DeviceKey> open(const TokenSection& token);
    // A key held in memory; for unit tests of the code that uses the key only.
    static DeviceKey from_software_key(ossl::EvpPkeyPtr key);

    // Borrowed; valid while this DeviceKey lives.
    EVP_PKEY* pkey() const;

private:
    DeviceKey() = default;
    std::optional<hsm::Libp11Key> token_key_;
    ossl::EvpPkeyPtr software_key_;
};

}  // namespace hnbsec::emulator::tre
