#pragma once
// The emulated device's console log: one line per event, "HH:MM:SS.mmm <step> <text>",
// written to stderr and, when configured, appended to a log file (the DUT adapter keeps
// that file as evidence). Thread-safe. Never give it key material or PINs.
//
// Steps are short fixed words a reader (and the harness) can grep for:
//   power, integrity, time, ike, tunnel, ntp, cwmp, hpm, control, defect, state

#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator {

class ConsoleLog {
public:
    ConsoleLog();  // stderr only
    ~ConsoleLog();
    ConsoleLog(const ConsoleLog&) = delete;
    ConsoleLog& operator=(const ConsoleLog&) = delete;

    // Also append every line to `path` (created 0600 when missing).
    Status open_file(const std::filesystem::path& path);
    // Stop writing to stderr (tests that only read the file).
    void quiet_stderr() { to_stderr_ = false; }

    void line(std::string_view step, std::string_view text);

private:
    std::mutex mutex_;
    std::FILE* file_ = nullptr;
    bool to_stderr_ = true;
};

}  // namespace hnbsec::emulator
