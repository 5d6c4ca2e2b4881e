#include "hsm/pkcs11_module.h"

#include <gtest/gtest.h>

#include "hsm/test_support.h"

namespace hnbsec::hsm {
namespace {

using testing::TempDir;

TEST(Pkcs11Module, MissingModuleNamesPathAndRemedy) {
    auto module = Pkcs11Module::load("/nonexistent/libnothing-pkcs11.so");
    ASSERT_FALSE(module.ok());
    const std::string& what = module.error().what();
    EXPECT_NE(what.find("PKCS#11 module /nonexistent/libnothing-pkcs11.so could not be loaded: "),
              std::string::npos)
        << what;
    EXPECT_NE(what.find("Install softhsm2 (ci/install-deps) or set [hsm] module in the profile."),
              std::string::npos);
}

TEST(Pkcs11Module, LibraryWithoutFunctionListRefused) {
    auto module = Pkcs11Module::load("libm.so.6");
    ASSERT_FALSE(module.ok());
    EXPECT_NE(module.error().what().find("no C_GetFunctionList"), std::string::npos) << module.error().what();
}

TEST(Pkcs11Module, LoadsSoftHsmAndListsItsFreeSlot) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path()).ok());
    auto module = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    ASSERT_TRUE(module.ok()) << module.error().message();
    auto slots = (*module)->slots_with_token();
    ASSERT_TRUE(slots.ok());
    EXPECT_EQ(slots->size(), 1u);  // SoftHSM2 always offers one uninitialised token
    auto mechanisms = (*module)->mechanisms(slots->front());
    ASSERT_TRUE(mechanisms.ok());
    EXPECT_FALSE(mechanisms->empty());
}

// A second load of the same library shares the first C_Initialize (it gets
// CKR_CRYPTOKI_ALREADY_INITIALIZED) and the library stays initialised until
// the last user goes.
TEST(Pkcs11Module, TwoLoadsShareOneInitialisation) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path()).ok());
    auto first = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    auto second = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    ASSERT_TRUE(first.ok() && second.ok());
    auto token = Token::init_new(*second, testing::kTokenLabel, testing::so_pin(), testing::user_pin());
    ASSERT_TRUE(token.ok()) << token.error().message();
    first->reset();
    auto labels = Token::labels(**second);
    ASSERT_TRUE(labels.ok()) << labels.error().message();
    EXPECT_EQ(*labels, std::vector<std::string>{testing::kTokenLabel});
    EXPECT_TRUE(token->find_key("nothing").error().what().find("no private key") != std::string::npos);
}

TEST(Pkcs11Module, RefusesSecondStoreWhileInitialisedForFirst) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path() / "a").ok());
    auto first = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    ASSERT_TRUE(first.ok());
    ASSERT_TRUE(SoftHsmStore::create(dir.path() / "b").ok());
    auto second = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    ASSERT_FALSE(second.ok());
    EXPECT_NE(second.error().what().find("already initialised in this process with SOFTHSM2_CONF="),
              std::string::npos)
        << second.error().what();
}

// SoftHSM2 reads SOFTHSM2_CONF again after the last C_Finalize, so stores can
// follow each other in one process (as the tests do).
TEST(Pkcs11Module, NextStoreIsUsedAfterFinalize) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path() / "a").ok());
    {
        auto module = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
        ASSERT_TRUE(module.ok());
        ASSERT_TRUE(Token::init_new(*module, "in-store-a", testing::so_pin(), testing::user_pin()).ok());
    }
    ASSERT_TRUE(SoftHsmStore::create(dir.path() / "b").ok());
    auto module = Pkcs11Module::load(Pkcs11Module::kSoftHsmPath);
    ASSERT_TRUE(module.ok()) << module.error().message();
    auto labels = Token::labels(**module);
    ASSERT_TRUE(labels.ok());
    EXPECT_TRUE(labels->empty());
}

}  // namespace
}  // namespace hnbsec::hsm
