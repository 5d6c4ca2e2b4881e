#include "harness/net/run_lock.h"

#include <filesystem>
#include <random>

#include <gtest/gtest.h>

namespace hnbsec::net {
namespace {

class RunLockTest : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = std::filesystem::temp_directory_path() /
               ("hnbsec-lock-test-" + RunId::generate().text() + std::to_string(std::random_device{}()));
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(RunLockTest, HeldLockMakesTheRunAliveAndExclusive) {
    const auto id = RunId::generate();
    EXPECT_FALSE(run_is_alive(id, dir_));
    {
        auto lock = RunLock::acquire(id, dir_);
        ASSERT_TRUE(lock.ok()) << lock.error().message();
        EXPECT_TRUE(std::filesystem::exists(lock->path()));
        EXPECT_TRUE(run_is_alive(id, dir_));
        auto second = RunLock::acquire(id, dir_);
        ASSERT_FALSE(second.ok());
        EXPECT_NE(second.error().message().find("in use"), std::string::npos);
    }
    EXPECT_FALSE(run_is_alive(id, dir_));
    EXPECT_FALSE(std::filesystem::exists(dir_ / (id.text() + ".lock")));
}

TEST_F(RunLockTest, MovedLockStaysHeld) {
    const auto id = RunId::generate();
    auto lock = RunLock::acquire(id, dir_);
    ASSERT_TRUE(lock.ok());
    std::optional<RunLock> moved(std::move(*lock));
    EXPECT_TRUE(run_is_alive(id, dir_));
    moved.reset();
    EXPECT_FALSE(run_is_alive(id, dir_));
}

}  // namespace
}  // namespace hnbsec::net
