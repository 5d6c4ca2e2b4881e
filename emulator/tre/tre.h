#pragma once
// The trusted environment of the emulated H(e)NB (TS 33.320 clause 6.1): it checks the
// image's integrity and only then releases the device credentials (HNB-REQ-TRE-005: a
// device whose integrity check failed must not use its device key to authenticate). The
// ignore-integrity-failure defect is the one way around it, and the caller has to ask for
// it explicitly at the moment it wants the key.
//
// Used from the device's boot thread only.

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "core/result.h"
#include "emulator/tre/device_chain.h"
#include "emulator/tre/device_key.h"

namespace hnbsec::emulator::tre {

struct TreSettings {
    std::filesystem::path image;
    std::string image_sha256;
    std::filesystem::path device_chain;
};

struct Credentials {
    EVP_PKEY* key = nullptr;  // borrowed from the Tre; valid while it lives
    std::vector<Der> chain;   // device certificate first
};

class Tre {
public:
    using KeyOpener = std::function<Result<DeviceKey>()>;

    // `open_key` runs on the first release (the token is touched only once the device
    // really authenticates); the key then stays open for later attempts.
    Tre(TreSettings settings, KeyOpener open_key);

    // Runs the integrity check and remembers its verdict until the next check.
    Status check_integrity();
    bool integrity_passed() const { return integrity_passed_; }

    // The key and chain, after a passed check (or with `ignore_integrity_failure`).
    Result<Credentials> release(bool ignore_integrity_failure);

private:
    TreSettings settings_;
    KeyOpener open_key_;
    bool integrity_passed_ = false;
    std::optional<DeviceKey> key_;
    std::vector<Der> chain_;
};

}  // namespace hnbsec::emulator::tre
