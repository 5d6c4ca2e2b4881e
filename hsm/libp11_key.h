#pragma once
// A token private key as an OpenSSL EVP_PKEY, through libp11, so ordinary
// OpenSSL code (EVP_DigestSign, X509_sign_ctx, SSL_CTX_use_PrivateKey for TLS
// client authentication) signs on the token without ever seeing the key.
//
// Coexistence with the raw Pkcs11Module in one process. libp11 dlopens the
// same module file, which yields the same library instance, so:
//  - its C_Initialize gets CKR_CRYPTOKI_ALREADY_INITIALIZED, which libp11
//    treats as success;
//  - its C_Login may get CKR_USER_ALREADY_LOGGED_IN (login is per process),
//    also success;
//  - PKCS11_open_session and PKCS11_release_all_slots call C_CloseAllSessions
//    on the slot (libp11 0.4.12), which would close the raw Token sessions on
//    that token too; PKCS11_CTX_unload would C_Finalize the library under
//    every Token. Libp11Key therefore lets PKCS11_login open libp11's session,
//    never unloads the context (the Pkcs11Module's C_Finalize covers it), and
//    defers releasing its slots until the Pkcs11Module itself goes
//    (Pkcs11Module::run_before_finalize), when no Token can be left. libp11
//    keeps its session and its copy of the PIN until then, and its dlopen
//    reference to the module stays open.

#include <memory>

#include <openssl/evp.h>

#include "core/result.h"
#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/pkcs11_uri.h"

namespace hnbsec::hsm {

class Libp11Key {
public:
    // Finds the private key `uri` names (token= required; object= and/or id=)
    // on the module, logs in with `pin`, and wraps the key as an EVP_PKEY.
    static Result<Libp11Key> open(std::shared_ptr<Pkcs11Module> module, const Pkcs11Uri& uri, const Pin& pin);

    Libp11Key(Libp11Key&&) noexcept;
    Libp11Key& operator=(Libp11Key&&) noexcept;
    ~Libp11Key();

    // Borrowed; valid while this Libp11Key lives. Functions that keep the key
    // (SSL_CTX_use_PrivateKey) take their own reference.
    EVP_PKEY* pkey() const;

private:
    struct State;
    explicit Libp11Key(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace hnbsec::hsm
