#pragma once
// Opens (or creates) the PKCS#11 token that holds a campaign's device keys, as the
// profile's [hsm] section describes it.
//
// With SoftHSM2 (the default module) hnbsec owns a private store: it creates the
// store and the token on first use, with a random SO PIN kept in <store>/so.pin
// and, unless the user names a PIN source, a random user PIN in <store>/user.pin
// (both mode 0600). Any other module is a lab's own token: it must already be
// initialised, and it is only opened, by label, with the user's PIN.

#include <filesystem>
#include <optional>
#include <string>

#include "core/result.h"
#include "hsm/pin.h"
#include "hsm/token.h"

namespace hnbsec::lab {

struct TokenRequest {
    std::filesystem::path module;
    std::string label;
    std::optional<std::filesystem::path> softhsm_dir;  // required when the module is SoftHSM2
    std::optional<hsm::PinSource> pin;                 // user's choice; empty: SoftHSM2 generates one
    bool recreate = false;  // SoftHSM2 only: wipe a store hnbsec made before and start afresh
};

struct OpenedToken {
    hsm::Token token;
    std::string pin_origin;                            // where the PIN came from (safe to print)
    std::optional<std::filesystem::path> softhsm_dir;  // absolute, when SoftHSM2
    bool created = false;                              // a new token was initialised
};

bool is_softhsm_module(const std::filesystem::path& module);

Result<OpenedToken> open_token(const TokenRequest& request);

}  // namespace hnbsec::lab
