#pragma once
// Test helpers: a temporary directory (core/testing/temp_dir.h), a fresh SoftHSM2 store with one
// initialised token per test, and OpenSSL signature verification.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/rsa.h>

#include "core/testing/temp_dir.h"
#include "hsm/pin.h"
#include "hsm/pkcs11_module.h"
#include "hsm/softhsm_store.h"
#include "hsm/token.h"
#include "hsm/token_signer.h"
#include "proto/ossl/handles.h"

namespace hnbsec::hsm::testing {

using test_support::TempDir;

inline constexpr const char* kTokenLabel = "hnbsec-test";
inline constexpr const char* kUserPin = "user-1234";
inline constexpr const char* kSoPin = "so-pin-5678";

inline Pin user_pin() {
    return Pin::from_secret(kUserPin, "test user PIN");
}
inline Pin so_pin() {
    return Pin::from_secret(kSoPin, "test SO PIN");
}

// Each test gets its own store (SOFTHSM2_CONF), module and initialised token.
class SoftHsmTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto created = SoftHsmStore::create(dir_.path() / "store");
        ASSERT_TRUE(created.ok()) << created.error().message();
        store_.emplace(std::move(created).value());
        auto loaded = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
        ASSERT_TRUE(loaded.ok()) << loaded.error().message();
        module_ = std::move(loaded).value();
        auto initialised = Token::init_new(module_, kTokenLabel, so_pin(), user_pin());
        ASSERT_TRUE(initialised.ok()) << initialised.error().message();
        token_.emplace(std::move(initialised).value());
    }

    void TearDown() override {
        token_.reset();
        module_.reset();
    }

    TokenKey generate(const KeySpec& spec, const std::string& label, std::uint8_t id) {
        std::vector<std::uint8_t> key_id{id};
        auto key = token_->generate_key(spec, label, key_id);
        EXPECT_TRUE(key.ok()) << key.error().message();
        return key.ok() ? std::move(key).value() : TokenKey{};
    }

    TempDir dir_;
    std::optional<SoftHsmStore> store_;
    std::shared_ptr<Pkcs11Module> module_;
    std::optional<Token> token_;
};

inline std::vector<std::uint8_t> bytes(std::string_view text) {
    return {text.begin(), text.end()};
}

// EVP_DigestVerify of `signature` over `message`; for RSA-PSS with `pss_salt`.
inline bool verifies(EVP_PKEY* key, const char* digest, std::span<const std::uint8_t> message,
                     std::span<const std::uint8_t> signature, std::optional<int> pss_salt = {}) {
    ossl::EvpMdCtxPtr ctx(EVP_MD_CTX_new());
    EVP_PKEY_CTX* pctx = nullptr;
    if (EVP_DigestVerifyInit_ex(ctx.get(), &pctx, digest, nullptr, nullptr, key, nullptr) != 1) return false;
    if (pss_salt) {
        if (EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1) return false;
        if (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, *pss_salt) != 1) return false;
    }
    return EVP_DigestVerify(ctx.get(), signature.data(), signature.size(), message.data(), message.size()) ==
           1;
}

}  // namespace hnbsec::hsm::testing
