#pragma once
// GoogleTest base for suites that run the emulated H(e)NB against the lab: the PKI and
// token (the slow part) are made once per suite in a temporary folder, removed after it.

#include <filesystem>
#include <string>

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/lab/emulated_lab_fixture.h"

namespace hnbsec::lab::testing {

class EmulatedLabSuite : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                         ("hnbsec-emulated-lab-" + std::to_string(getpid())));
        std::filesystem::create_directories(*dir_);
        auto material = make_lab_material(*dir_ / "material");
        ASSERT_TRUE(material.ok()) << material.error().message();
        material_ = new LabMaterial(std::move(material).value());
    }
    static void TearDownTestSuite() {
        delete material_;
        material_ = nullptr;
        if (dir_ != nullptr) std::filesystem::remove_all(*dir_);
        delete dir_;
        dir_ = nullptr;
    }

    // A run folder for the current test, unique within the suite.
    std::filesystem::path run_dir() {
        return *dir_ / (std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "-" +
                        std::to_string(runs_++));
    }

    static inline std::filesystem::path* dir_ = nullptr;
    static inline LabMaterial* material_ = nullptr;
    int runs_ = 0;
};

}  // namespace hnbsec::lab::testing
