#include "emulator/log/console_log.h"

#include <cerrno>
#include <chrono>
#include <cstring>
#include <ctime>

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

namespace hnbsec::emulator {
namespace {

std::string clock_text() {
    const auto now = std::chrono::system_clock::now();
    const auto ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
    const std::time_t t = std::chrono::system_clock::to_time_t(now);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:02}:{:02}:{:02}.{:03}", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
}

}  // namespace

ConsoleLog::ConsoleLog() = default;

ConsoleLog::~ConsoleLog() {
    if (file_ != nullptr) static_cast<void>(std::fclose(file_));
}

Status ConsoleLog::open_file(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return Error(fmt::format("cannot open log file {}: {}", path.string(), std::strerror(errno)));
    std::FILE* file = ::fdopen(fd, "a");
    if (file == nullptr) {
        ::close(fd);
        return Error(fmt::format("cannot open log file {}: {}", path.string(), std::strerror(errno)));
    }
    static_cast<void>(std::setvbuf(file, nullptr, _IOLBF, 0));  // line-buffered: a crash loses no line
    const std::lock_guard lock(mutex_);
    if (file_ != nullptr) static_cast<void>(std::fclose(file_));
    file_ = file;
    return Ok{};
}

void ConsoleLog::line(std::string_view step, std::string_view text) {
    const auto out = fmt::format("{} {} {}\n", clock_text(), step, text);
    const std::lock_guard lock(mutex_);
    // A log line that cannot be written has nowhere better to be reported.
    if (to_stderr_) static_cast<void>(std::fputs(out.c_str(), stderr));
    if (file_ != nullptr) static_cast<void>(std::fputs(out.c_str(), file_));
}

}  // namespace hnbsec::emulator
