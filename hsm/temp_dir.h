#pragma once
// Test helper: a temporary directory for the hsm tests and the emulator's TrE tests, without
// the PKCS#11 headers the rest of hsm/test_support.h needs.

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include <gtest/gtest.h>
#include <stdlib.h>

namespace hnbsec::hsm::testing {

// A directory under $TMPDIR removed with everything in it at scope exit.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "hnbsec-hsm-XXXXXX").string();
        if (::mkdtemp(pattern.data()) == nullptr) ADD_FAILURE() << "mkdtemp failed for " << pattern;
        path_ = pattern;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

    // Writes `content` to the file `name` in the directory and returns its path.
    std::filesystem::path write(const std::string& name, std::string_view content) const {
        auto file = path_ / name;
        std::ofstream(file, std::ios::binary) << content;
        return file;
    }

private:
    std::filesystem::path path_;
};

}  // namespace hnbsec::hsm::testing
