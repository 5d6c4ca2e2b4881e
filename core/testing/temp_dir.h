#pragma once
// Test support: a directory under $TMPDIR, removed with everything in it at scope exit.
// For tests and fuzz targets alike (no GoogleTest dependency): a directory that cannot be
// made is an exception, which fails a test and stops a fuzzer loudly.

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <string_view>

namespace hnbsec::test_support {

class TempDir {
public:
    explicit TempDir(std::string_view prefix = "hnbsec-") {
        std::string pattern =
            (std::filesystem::temp_directory_path() / (std::string(prefix) + "XXXXXX")).string();
        if (::mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
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

}  // namespace hnbsec::test_support
