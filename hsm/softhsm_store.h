#pragma once
// A private SoftHSM2 store: a directory holding softhsm2.conf and the token
// files it points at. hnbsec never touches the system-wide SoftHSM2 store.
//
// SoftHSM2 reads the SOFTHSM2_CONF environment variable once, in C_Initialize.
// create() and open() therefore set SOFTHSM2_CONF for the WHOLE PROCESS before
// any module is loaded; every PKCS#11 module initialised afterwards in this
// process uses this store. To switch stores, drop every Pkcs11Module first
// (Pkcs11Module::load refuses to reuse a module initialised for another store).

#include <filesystem>

#include "core/result.h"

namespace hnbsec::hsm {

class SoftHsmStore {
public:
    // Creates `dir` (and parents) with softhsm2.conf and an empty tokens/
    // directory, then activates it. Refuses a directory that already has a
    // softhsm2.conf: use open() for an existing store.
    static Result<SoftHsmStore> create(const std::filesystem::path& dir);

    // Opens a store made by create() and activates it.
    static Result<SoftHsmStore> open(const std::filesystem::path& dir);

    // Points SOFTHSM2_CONF at this store (process-wide, see above).
    Status activate() const;

    const std::filesystem::path& dir() const { return dir_; }
    std::filesystem::path conf_path() const { return dir_ / "softhsm2.conf"; }
    std::filesystem::path token_dir() const { return dir_ / "tokens"; }

    static constexpr const char* kConfEnvironmentVariable = "SOFTHSM2_CONF";

private:
    explicit SoftHsmStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

    std::filesystem::path dir_;  // absolute
};

}  // namespace hnbsec::hsm
