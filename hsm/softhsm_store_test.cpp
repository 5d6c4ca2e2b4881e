#include "hsm/softhsm_store.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "hsm/test_support.h"

namespace hnbsec::hsm {
namespace {

using testing::TempDir;

std::string read(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

TEST(SoftHsmStore, CreateWritesPrivateConfAndSetsEnvironment) {
    TempDir dir;
    auto store = SoftHsmStore::create(dir.path() / "s");
    ASSERT_TRUE(store.ok()) << store.error().message();
    std::string conf = read(store->conf_path());
    EXPECT_NE(conf.find("directories.tokendir = " + store->token_dir().string() + "\n"), std::string::npos);
    EXPECT_NE(conf.find("objectstore.backend = file"), std::string::npos);
    EXPECT_NE(conf.find("log.level = ERROR"), std::string::npos);
    EXPECT_NE(conf.find("slots.removable = false"), std::string::npos);
    EXPECT_TRUE(std::filesystem::is_directory(store->token_dir()));
    EXPECT_EQ(std::string(std::getenv("SOFTHSM2_CONF")), store->conf_path().string());
}

TEST(SoftHsmStore, CreateRefusesExistingStore) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path()).ok());
    auto again = SoftHsmStore::create(dir.path());
    ASSERT_FALSE(again.ok());
    EXPECT_NE(again.error().what().find("already exists"), std::string::npos);
}

TEST(SoftHsmStore, OpenExistingStore) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path()).ok());
    ::setenv("SOFTHSM2_CONF", "/nonexistent", 1);
    auto store = SoftHsmStore::open(dir.path());
    ASSERT_TRUE(store.ok()) << store.error().message();
    EXPECT_EQ(std::string(std::getenv("SOFTHSM2_CONF")), store->conf_path().string());
}

TEST(SoftHsmStore, OpenMissingStoreIsClearError) {
    TempDir dir;
    auto store = SoftHsmStore::open(dir.path() / "nothing");
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().what().find("softhsm2.conf is missing"), std::string::npos);
}

TEST(SoftHsmStore, OpenRefusesMovedStore) {
    TempDir dir;
    ASSERT_TRUE(SoftHsmStore::create(dir.path() / "a").ok());
    std::filesystem::rename(dir.path() / "a", dir.path() / "b");
    auto store = SoftHsmStore::open(dir.path() / "b");
    ASSERT_FALSE(store.ok());
    EXPECT_NE(store.error().what().find("was it moved?"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::hsm
