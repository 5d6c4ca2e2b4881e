#pragma once
// Test support: runs a shell command (an independent peer: tshark, capinfos, openssl ...)
// and keeps its exit status and output. For tests only; the product never goes through a
// shell.

#include <array>
#include <cstdio>
#include <string>

#include <sys/wait.h>

namespace hnbsec::test_support {

struct ShellResult {
    int exit_code = -1;  // the command's exit status; -1 when it did not exit normally
    std::string output;  // stdout, with stderr unless discarded
};

enum class Stderr { kJoined, kDiscarded };

inline ShellResult run_shell(const std::string& command, Stderr stderr_mode = Stderr::kJoined) {
    ShellResult result;
    const std::string line = command + (stderr_mode == Stderr::kJoined ? " 2>&1" : " 2>/dev/null");
    FILE* pipe = ::popen(line.c_str(), "r");  // NOLINT(cert-env33-c): tests run their peers
    if (pipe == nullptr) return result;
    std::array<char, 4096> buffer{};
    std::size_t n = 0;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0)
        result.output.append(buffer.data(), n);
    const int status = ::pclose(pipe);
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

}  // namespace hnbsec::test_support
