#pragma once
// The NSS key log file (SSLKEYLOGFILE format) that lets Wireshark/tshark decrypt a captured
// H(e)MS session. Written only when the user asks for it (--keylog); created with mode 0600
// because its lines are session secrets.

#include <filesystem>
#include <mutex>
#include <string>

#include "core/result.h"

namespace hnbsec::hems {

class KeyLogFile {
public:
    static Result<std::shared_ptr<KeyLogFile>> open(const std::filesystem::path& path);
    ~KeyLogFile();
    KeyLogFile(const KeyLogFile&) = delete;
    KeyLogFile& operator=(const KeyLogFile&) = delete;

    void append(const std::string& line);

private:
    explicit KeyLogFile(int fd) : fd_(fd) {}
    std::mutex mutex_;
    int fd_;
};

}  // namespace hnbsec::hems
