#include "harness/roles/hems/key_log_file.h"

#include <cerrno>
#include <cstring>
#include <memory>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace hnbsec::hems {

Result<std::shared_ptr<KeyLogFile>> KeyLogFile::open(const std::filesystem::path& path) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);  // NOLINT: C API
    if (fd < 0) return Error("cannot open key log " + path.string() + ": " + std::strerror(errno));
    // An existing file keeps its mode on open(); make sure secrets are never world-readable.
    if (::fchmod(fd, 0600) != 0) {
        ::close(fd);
        return Error("cannot set mode 0600 on key log " + path.string() + ": " + std::strerror(errno));
    }
    return std::shared_ptr<KeyLogFile>(new KeyLogFile(fd));  // NOLINT: private constructor
}

KeyLogFile::~KeyLogFile() {
    ::close(fd_);
}

void KeyLogFile::append(const std::string& line) {
    const std::lock_guard lock(mutex_);
    const std::string text = line + "\n";
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
        if (n <= 0) return;  // best effort: a lost key log line must not end the session
        done += static_cast<std::size_t>(n);
    }
}

}  // namespace hnbsec::hems
