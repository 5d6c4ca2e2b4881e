#include "hsm/libp11_key.h"

#include <algorithm>
#include <string>
#include <vector>

#include <libp11.h>
#include <openssl/err.h>

#include "hsm/ckr_names.h"
#include "hsm/pkcs11_objects.h"
#include "proto/ossl/errors.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {
namespace {

// libp11 reports PKCS#11 failures on OpenSSL's error queue with the CK_RV as
// the reason code of its "CKR" library; recover it so the message names it.
Error libp11_error(const std::string& call, const std::string& hint) {
    const int ckr_library = ERR_get_CKR_code();
    CK_RV rv = CKR_OK;
    std::string other;
    while (unsigned long code = ERR_get_error()) {
        if (ERR_GET_LIB(code) == ckr_library) {
            rv = ERR_GET_REASON(code);
            continue;
        }
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        other += (other.empty() ? "" : "; ") + std::string(text);
    }
    if (rv != CKR_OK) return pkcs11_error(call + " (libp11)", rv, hint);
    return Error(call + " (libp11) failed: " + (other.empty() ? "no error recorded" : other) +
                 (hint.empty() ? "" : " \u2014 " + hint));
}

bool same_bytes(const unsigned char* data, std::size_t size, const std::vector<std::uint8_t>& wanted) {
    return size == wanted.size() && std::equal(wanted.begin(), wanted.end(), data);
}

}  // namespace

struct Libp11Key::State {
    std::shared_ptr<Pkcs11Module> module;
    PKCS11_CTX* ctx = nullptr;
    PKCS11_SLOT* slots = nullptr;
    unsigned int slot_count = 0;
    EVP_PKEY* pkey = nullptr;

    ~State() {
        EVP_PKEY_free(pkey);
        if (ctx == nullptr) return;
        // See the header: releasing slots now would close the raw Token
        // sessions too, and unloading would C_Finalize the shared library.
        module->run_before_finalize([ctx = ctx, slots = slots, slot_count = slot_count] {
            if (slots != nullptr) PKCS11_release_all_slots(ctx, slots, slot_count);
            PKCS11_CTX_free(ctx);
        });
    }
};

Libp11Key::Libp11Key(std::unique_ptr<State> state) : state_(std::move(state)) {}
Libp11Key::Libp11Key(Libp11Key&&) noexcept = default;
Libp11Key& Libp11Key::operator=(Libp11Key&&) noexcept = default;
Libp11Key::~Libp11Key() = default;

EVP_PKEY* Libp11Key::pkey() const {
    return state_ ? state_->pkey : nullptr;
}

Result<Libp11Key> Libp11Key::open(std::shared_ptr<Pkcs11Module> module, const Pkcs11Uri& uri,
                                  const Pin& pin) {
    if (uri.token.empty()) return Error("pkcs11: URI " + uri.format() + " names no token; add token=<label>");
    if (uri.object.empty() && uri.id.empty()) {
        return Error("pkcs11: URI " + uri.format() + " names no key; give object= and/or id=");
    }
    if (uri.type && *uri.type != ObjectType::kPrivate) {
        return Error("pkcs11: URI " + uri.format() + " must name a private key (type=private)");
    }

    auto state = std::make_unique<State>();
    state->module = module;
    state->ctx = PKCS11_CTX_new();
    if (state->ctx == nullptr) return Error("PKCS11_CTX_new (libp11) failed: " + ossl::errors());
    ERR_clear_error();
    if (PKCS11_CTX_load(state->ctx, module->path().c_str()) != 0) {
        return libp11_error("PKCS11_CTX_load of " + module->path(), "");
    }
    if (PKCS11_enumerate_slots(state->ctx, &state->slots, &state->slot_count) != 0) {
        return libp11_error("PKCS11_enumerate_slots", "");
    }

    PKCS11_SLOT* slot = nullptr;
    std::string present;
    for (unsigned int i = 0; i < state->slot_count; ++i) {
        PKCS11_TOKEN* token = state->slots[i].token;
        if (token == nullptr || !token->initialized || token->label == nullptr) continue;
        if (uri.token == token->label) {
            slot = &state->slots[i];
            break;
        }
        present += (present.empty() ? "'" : ", '") + std::string(token->label) + "'";
    }
    if (slot == nullptr) {
        return Error("no token labelled '" + uri.token +
                     "'; tokens present: " + (present.empty() ? "none" : present));
    }

    // No PKCS11_open_session: in libp11 0.4.12 it runs C_CloseAllSessions on the
    // slot, killing the raw Token sessions. PKCS11_login opens libp11's own
    // session without that (the coexistence tests catch a libp11 that differs).
    if (PKCS11_login(slot, 0, pin.secret_data()) != 0) {
        return libp11_error("PKCS11_login", "the PIN from " + pin.origin() + " was not accepted");
    }

    PKCS11_KEY* keys = nullptr;
    unsigned int key_count = 0;
    if (PKCS11_enumerate_keys(slot->token, &keys, &key_count) != 0) {
        return libp11_error("PKCS11_enumerate_keys on token '" + uri.token + "'", "");
    }
    PKCS11_KEY* match = nullptr;
    unsigned int matches = 0;
    std::string labels;
    for (unsigned int i = 0; i < key_count; ++i) {
        PKCS11_KEY& key = keys[i];
        const std::string label = key.label != nullptr ? key.label : "";
        labels += (labels.empty() ? "'" : ", '") + label + "'";
        if (!uri.object.empty() && uri.object != label) continue;
        if (!uri.id.empty() && !same_bytes(key.id, key.id_len, uri.id)) continue;
        match = &key;
        ++matches;
    }
    if (matches == 0) {
        return Error("no private key matches " + uri.format() +
                     "; keys present: " + (labels.empty() ? "none" : labels));
    }
    if (matches > 1)
        return Error(std::to_string(matches) + " private keys match " + uri.format() + "; give the id too");

    state->pkey = PKCS11_get_private_key(match);
    if (state->pkey == nullptr) return libp11_error("PKCS11_get_private_key for " + uri.format(), "");
    return Libp11Key(std::move(state));
}

}  // namespace hnbsec::hsm
