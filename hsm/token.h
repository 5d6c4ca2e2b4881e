#pragma once
// A logged-in session on one PKCS#11 token, addressed by its label.
//
// Typical flow (tests and `hnbsec pki`):
//
//   HNBSEC_TRY(auto store, SoftHsmStore::create(dir));       // sets SOFTHSM2_CONF
//   HNBSEC_TRY(auto module, Pkcs11Module::load(Pkcs11Module::kSoftHsmPath));
//   HNBSEC_TRY(auto token, Token::init_new(module, "hnbsec-device", so_pin, user_pin));
//     // ... or, for an existing token: Token::open(module, "hnbsec-device", user_pin)
//   HNBSEC_TRY(auto key, token.generate_key(KeySpec::ec(EcCurve::kP256), "device", {{0x01}}));
//   HNBSEC_TRY(auto sig, sign_message(token, key, SignatureScheme::ecdsa(HashAlgorithm::kSha256), data));
//
// PINs come from PinSource (file or environment variable), never from argv.
// For OpenSSL code that needs an EVP_PKEY (TLS client auth, X.509 signing) see
// Libp11Key in hsm/libp11_key.h.
//
// Tokens are found by label, never by slot number: SoftHSM2 gives slots random
// IDs and renumbers them after C_InitToken. Keys are generated on the token
// with CKA_SENSITIVE=true and CKA_EXTRACTABLE=false, so the private key never
// leaves it.

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "core/result.h"
#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/pkcs11_objects.h"
#include "hsm/pkcs11_uri.h"
#include "hsm/token_key.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm {

// One PKCS#11 session: use a Token from one thread at a time (open one Token
// per thread if needed; they share the login).
class Token {
public:
    // Labels of every initialised token of the module.
    static Result<std::vector<std::string>> labels(const Pkcs11Module& module);

    // Initialises the module's free (uninitialised) token as `label`, sets the
    // SO PIN and user PIN, and returns a session logged in as the user.
    // Refuses a label that is already taken.
    static Result<Token> init_new(std::shared_ptr<Pkcs11Module> module, std::string_view label,
                                  const Pin& so_pin, const Pin& user_pin);

    // A read-write session on token `label`, logged in as the user.
    static Result<Token> open(std::shared_ptr<Pkcs11Module> module, std::string_view label,
                              const Pin& user_pin);

    // A session without login: only public objects are visible (enough to
    // read public keys for `hnbsec pki show`).
    static Result<Token> open_public(std::shared_ptr<Pkcs11Module> module, std::string_view label);

    Token(Token&& other) noexcept;
    Token& operator=(Token&& other) noexcept;
    Token(const Token&) = delete;
    Token& operator=(const Token&) = delete;
    // Closes the session. It does not C_Logout: login state is shared by every
    // session of this process on the token (including libp11's), and ends by
    // itself when the last session closes.
    ~Token();

    const std::string& label() const { return label_; }
    CK_SLOT_ID slot() const { return slot_; }
    CK_SESSION_HANDLE session() const { return session_; }
    Pkcs11Module& module() const { return *module_; }
    const std::shared_ptr<Pkcs11Module>& shared_module() const { return module_; }

    // Generates a key pair on the token (C_GenerateKeyPair) with `label` and
    // `id` on both halves. The private key is CKA_TOKEN, CKA_PRIVATE,
    // CKA_SENSITIVE, not CKA_EXTRACTABLE, and can sign only (no decrypt, unwrap
    // or derive): an H(e)NB device key authenticates, nothing else. Refuses a
    // label or id already used by an object on the token.
    Result<TokenKey> generate_key(const KeySpec& spec, std::string_view key_label,
                                  std::span<const std::uint8_t> id);

    // The key pair whose private key has CKA_LABEL `key_label`.
    Result<TokenKey> find_key(std::string_view key_label) const;
    // The key pair a pkcs11: URI names (object and/or id; token must match).
    Result<TokenKey> find_key(const Pkcs11Uri& query) const;
    // Every key pair with a private key visible in this session.
    Result<std::vector<TokenKey>> keys() const;

    // pkcs11:token=<label>;object=<key label>;id=<id>;type=private
    Pkcs11Uri uri(const TokenKey& key) const;

    Result<KeyAttributes> attributes(const TokenKey& key) const;
    // The public half as an OpenSSL key (from CKA_MODULUS/CKA_PUBLIC_EXPONENT
    // or CKA_EC_PARAMS/CKA_EC_POINT), for verifying and for certificates.
    Result<ossl::EvpPkeyPtr> public_key(const TokenKey& key) const;

    // One attribute of any object, e.g. to show that CKA_PRIVATE_EXPONENT
    // fails with CKR_ATTRIBUTE_SENSITIVE.
    Result<std::vector<std::uint8_t>> read_attribute(CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) const;

    // Fails with "CKM_X not supported by the token 'label'" unless the token
    // lists the mechanism (C_GetMechanismList, read at open).
    Status require_mechanism(CK_MECHANISM_TYPE mechanism) const;

    // C_SignInit + C_Sign with the private key. Callers prepare the input the
    // mechanism expects (see hsm/token_signer.h).
    Result<std::vector<std::uint8_t>> sign_with_mechanism(const TokenKey& key, CK_MECHANISM& mechanism,
                                                          std::span<const std::uint8_t> input) const;

private:
    Token(std::shared_ptr<Pkcs11Module> module, std::string label, CK_SLOT_ID slot,
          CK_SESSION_HANDLE session);
    static Result<Token> open_session(std::shared_ptr<Pkcs11Module> module, std::string_view label);
    Status login(CK_USER_TYPE user, const Pin& pin);
    Result<TokenKey> describe_private_key(CK_OBJECT_HANDLE private_key) const;
    Result<std::vector<CK_OBJECT_HANDLE>> find(AttributeTemplate&& search) const;

    std::shared_ptr<Pkcs11Module> module_;
    std::string label_;
    CK_SLOT_ID slot_ = 0;
    CK_SESSION_HANDLE session_ = CK_INVALID_HANDLE;
    std::vector<CK_MECHANISM_TYPE> mechanisms_;
};

}  // namespace hnbsec::hsm
