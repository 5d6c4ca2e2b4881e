// Token lifecycle: finding a token by label, initialising it, sessions and
// login, plus the mechanism check and raw signing every signature goes through.
#include "hsm/token.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "hsm/ckr_names.h"

namespace hnbsec::hsm {
namespace {

constexpr std::size_t kLabelSize = 32;  // CK_TOKEN_INFO.label, blank padded

std::string token_label(const CK_TOKEN_INFO& info) {
    std::string label(reinterpret_cast<const char*>(info.label), kLabelSize);
    label.erase(label.find_last_not_of(' ') + 1);
    return label;
}

Status check_token_label(std::string_view label) {
    if (label.empty()) return Error("a token label must not be empty");
    if (label.size() > kLabelSize) {
        return Error("token label '" + std::string(label) + "' is " + std::to_string(label.size()) +
                     " bytes; PKCS#11 token labels have at most 32");
    }
    if (label.back() == ' ') return Error("token label '" + std::string(label) + "' must not end in a space");
    return Ok{};
}

CK_UTF8CHAR* pin_bytes(const Pin& pin) {
    // PKCS#11 v2.40 takes PINs through non-const pointers; modules do not write them.
    return reinterpret_cast<CK_UTF8CHAR*>(const_cast<char*>(pin.secret_data()));
}

std::string join(const std::vector<std::string>& items) {
    if (items.empty()) return "none";
    std::string out;
    for (const auto& item : items) out += (out.empty() ? "" : ", ") + item;
    return out;
}

struct SlotToken {
    CK_SLOT_ID slot;
    CK_TOKEN_INFO info;
};

Result<std::vector<SlotToken>> slot_tokens(const Pkcs11Module& module) {
    HNBSEC_TRY(auto slots, module.slots_with_token());
    std::vector<SlotToken> tokens;
    for (CK_SLOT_ID slot : slots) {
        CK_TOKEN_INFO info{};
        CK_RV rv = module.api().C_GetTokenInfo(slot, &info);
        if (rv == CKR_TOKEN_NOT_PRESENT || rv == CKR_TOKEN_NOT_RECOGNIZED) continue;
        if (rv != CKR_OK) return pkcs11_error("C_GetTokenInfo", rv);
        tokens.push_back({slot, info});
    }
    return tokens;
}

bool initialised(const CK_TOKEN_INFO& info) {
    return (info.flags & CKF_TOKEN_INITIALIZED) != 0;
}

// The slot of the initialised token `label`, or an error listing the labels present.
Result<SlotToken> find_token(const Pkcs11Module& module, std::string_view label) {
    HNBSEC_TRY(auto tokens, slot_tokens(module));
    std::vector<std::string> present;
    for (const auto& token : tokens) {
        if (!initialised(token.info)) continue;
        std::string name = token_label(token.info);
        if (name == label) return token;
        present.push_back("'" + name + "'");
    }
    return Error("no token labelled '" + std::string(label) + "'; tokens present: " + join(present));
}

Status check_pin_length(const Pin& pin, const CK_TOKEN_INFO& info, std::string_view role) {
    if (pin.secret_size() < info.ulMinPinLen || pin.secret_size() > info.ulMaxPinLen) {
        return Error("the " + std::string(role) + " from " + pin.origin() + " has " +
                     std::to_string(pin.secret_size()) + " characters; the token accepts " +
                     std::to_string(info.ulMinPinLen) + " to " + std::to_string(info.ulMaxPinLen));
    }
    return Ok{};
}

}  // namespace

Token::Token(std::shared_ptr<Pkcs11Module> module, std::string label, CK_SLOT_ID slot,
             CK_SESSION_HANDLE session)
    : module_(std::move(module)), label_(std::move(label)), slot_(slot), session_(session) {}

Token::Token(Token&& other) noexcept
    : module_(std::move(other.module_)),
      label_(std::move(other.label_)),
      slot_(other.slot_),
      session_(std::exchange(other.session_, CK_INVALID_HANDLE)),
      mechanisms_(std::move(other.mechanisms_)) {}

Token& Token::operator=(Token&& other) noexcept {
    if (this != &other) {
        if (module_ && session_ != CK_INVALID_HANDLE) module_->api().C_CloseSession(session_);
        module_ = std::move(other.module_);
        label_ = std::move(other.label_);
        slot_ = other.slot_;
        session_ = std::exchange(other.session_, CK_INVALID_HANDLE);
        mechanisms_ = std::move(other.mechanisms_);
    }
    return *this;
}

Token::~Token() {
    // Ignore the result: the session may already be gone (C_CloseAllSessions).
    if (module_ && session_ != CK_INVALID_HANDLE) module_->api().C_CloseSession(session_);
}

Result<std::vector<std::string>> Token::labels(const Pkcs11Module& module) {
    HNBSEC_TRY(auto tokens, slot_tokens(module));
    std::vector<std::string> labels;
    for (const auto& token : tokens) {
        if (initialised(token.info)) labels.push_back(token_label(token.info));
    }
    return labels;
}

Result<Token> Token::open_session(std::shared_ptr<Pkcs11Module> module, std::string_view label) {
    HNBSEC_CHECK(check_token_label(label));
    HNBSEC_TRY(SlotToken found, find_token(*module, label));
    CK_SESSION_HANDLE session = CK_INVALID_HANDLE;
    CK_RV rv = module->api().C_OpenSession(found.slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, nullptr, nullptr,
                                           &session);
    if (rv != CKR_OK) return pkcs11_error("C_OpenSession on token '" + std::string(label) + "'", rv);
    Token token(std::move(module), std::string(label), found.slot, session);
    HNBSEC_TRY(token.mechanisms_, token.module_->mechanisms(found.slot));
    return token;
}

Result<Token> Token::open_public(std::shared_ptr<Pkcs11Module> module, std::string_view label) {
    return open_session(std::move(module), label);
}

Result<Token> Token::open(std::shared_ptr<Pkcs11Module> module, std::string_view label, const Pin& user_pin) {
    HNBSEC_TRY(Token token, open_session(std::move(module), label));
    HNBSEC_CHECK(token.login(CKU_USER, user_pin));
    return token;
}

Status Token::login(CK_USER_TYPE user, const Pin& pin) {
    CK_RV rv = module_->api().C_Login(session_, user, pin_bytes(pin), pin.secret_size());
    // Login state belongs to the process, not the session: another Token or
    // libp11 in this process may have logged in already.
    if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN) return Ok{};
    const std::string who = user == CKU_SO ? "SO PIN" : "PIN";
    switch (rv) {
        case CKR_PIN_INCORRECT:
            return pkcs11_error("C_Login", rv, "the " + who + " from " + pin.origin() + " is wrong");
        case CKR_PIN_LOCKED:
            return pkcs11_error("C_Login", rv,
                                "the " + who + " of token '" + label_ +
                                    "' is locked after too many wrong attempts; re-initialise the token");
        case CKR_USER_PIN_NOT_INITIALIZED:
            return pkcs11_error("C_Login", rv, "token '" + label_ + "' has no user PIN; initialise it first");
        case CKR_PIN_LEN_RANGE:
            return pkcs11_error("C_Login", rv,
                                "the " + who + " from " + pin.origin() + " has an invalid length");
        default:
            return pkcs11_error("C_Login", rv, "logging in to token '" + label_ + "'");
    }
}

Result<Token> Token::init_new(std::shared_ptr<Pkcs11Module> module, std::string_view label, const Pin& so_pin,
                              const Pin& user_pin) {
    HNBSEC_CHECK(check_token_label(label));
    HNBSEC_TRY(auto tokens, slot_tokens(*module));
    const SlotToken* free_slot = nullptr;
    for (const auto& token : tokens) {
        if (initialised(token.info) && token_label(token.info) == label) {
            return Error("a token labelled '" + std::string(label) + "' already exists; open it instead");
        }
        if (!initialised(token.info) && free_slot == nullptr) free_slot = &token;
    }
    if (free_slot == nullptr) {
        return Error("PKCS#11 module " + module->path() + " has no free (uninitialised) token to initialise");
    }
    HNBSEC_CHECK(check_pin_length(so_pin, free_slot->info, "SO PIN"));
    HNBSEC_CHECK(check_pin_length(user_pin, free_slot->info, "user PIN"));

    CK_UTF8CHAR padded[kLabelSize];
    std::memset(padded, ' ', sizeof padded);
    std::memcpy(padded, label.data(), label.size());
    CK_RV rv = module->api().C_InitToken(free_slot->slot, pin_bytes(so_pin), so_pin.secret_size(), padded);
    if (rv != CKR_OK)
        return pkcs11_error("C_InitToken", rv, "initialising token '" + std::string(label) + "'");

    // SoftHSM2 moves the new token to a fresh slot ID and adds a new free
    // slot, so look the token up again by label.
    HNBSEC_TRY(Token token, open_session(std::move(module), label));
    HNBSEC_CHECK(token.login(CKU_SO, so_pin));
    rv = token.module_->api().C_InitPIN(token.session_, pin_bytes(user_pin), user_pin.secret_size());
    if (rv != CKR_OK) return pkcs11_error("C_InitPIN", rv, "setting the user PIN from " + user_pin.origin());
    rv = token.module_->api().C_Logout(token.session_);
    if (rv != CKR_OK) return pkcs11_error("C_Logout", rv, "leaving the SO session");
    HNBSEC_CHECK(token.login(CKU_USER, user_pin));
    return token;
}

Status Token::require_mechanism(CK_MECHANISM_TYPE mechanism) const {
    if (std::find(mechanisms_.begin(), mechanisms_.end(), mechanism) != mechanisms_.end()) return Ok{};
    return Error(ckm_name(mechanism) + " not supported by the token '" + label_ + "' (PKCS#11 module " +
                 module_->path() + ")");
}

Result<std::vector<std::uint8_t>> Token::read_attribute(CK_OBJECT_HANDLE object,
                                                        CK_ATTRIBUTE_TYPE type) const {
    return hsm::read_attribute(module_->api(), session_, object, type);
}

Result<std::vector<CK_OBJECT_HANDLE>> Token::find(AttributeTemplate&& search) const {
    return find_objects(module_->api(), session_, search);
}

Result<std::vector<std::uint8_t>> Token::sign_with_mechanism(const TokenKey& key, CK_MECHANISM& mechanism,
                                                             std::span<const std::uint8_t> input) const {
    HNBSEC_CHECK(require_mechanism(mechanism.mechanism));
    const std::string what = ckm_name(mechanism.mechanism) + " with key '" + key.label + "'";
    CK_RV rv = module_->api().C_SignInit(session_, &mechanism, key.private_key);
    if (rv == CKR_USER_NOT_LOGGED_IN) {
        return pkcs11_error("C_SignInit", rv, "open token '" + label_ + "' with a PIN before signing");
    }
    if (rv != CKR_OK) return pkcs11_error("C_SignInit", rv, what);

    // PKCS#11 input buffers are non-const; C_Sign only reads them.
    auto* data = const_cast<CK_BYTE*>(input.data());
    CK_ULONG size = 0;
    rv = module_->api().C_Sign(session_, data, input.size(), nullptr, &size);
    if (rv != CKR_OK) return pkcs11_error("C_Sign", rv, what);
    std::vector<std::uint8_t> signature(size);
    rv = module_->api().C_Sign(session_, data, input.size(), signature.data(), &size);
    if (rv != CKR_OK) return pkcs11_error("C_Sign", rv, what);
    signature.resize(size);
    return signature;
}

}  // namespace hnbsec::hsm
