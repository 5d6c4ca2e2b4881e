#include "harness/net/run_lock.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace hnbsec::net {
namespace {

std::filesystem::path lock_path(const RunId& run_id, const std::filesystem::path& lock_dir) {
    return lock_dir / (run_id.text() + ".lock");
}

}  // namespace

RunLock::RunLock(RunId run_id, std::filesystem::path path, UniqueFd fd)
    : run_id_(std::move(run_id)), path_(std::move(path)), fd_(std::move(fd)) {}

Result<RunLock> RunLock::acquire(const RunId& run_id, const std::filesystem::path& lock_dir) {
    std::error_code ec;
    std::filesystem::create_directories(lock_dir, ec);
    if (ec) return Error("cannot create lock folder " + lock_dir.string() + ": " + ec.message());
    auto path = lock_path(run_id, lock_dir);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
    if (!fd.valid()) return Error("cannot open lock file " + path.string() + ": " + std::strerror(errno));
    if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
        if (errno == EWOULDBLOCK) {
            return Error("run ID " + run_id.text() + " is in use by a live run (" + path.string() +
                         " is locked)");
        }
        return Error("cannot lock " + path.string() + ": " + std::strerror(errno));
    }
    return RunLock(run_id, std::move(path), std::move(fd));
}

RunLock::~RunLock() {
    if (!fd_.valid()) return;  // moved from
    // Unlink while still holding the lock, so no one sees an unlocked file of a live run.
    std::error_code ec;
    std::filesystem::remove(path_, ec);
}

bool run_is_alive(const RunId& run_id, const std::filesystem::path& lock_dir) {
    const auto path = lock_path(run_id, lock_dir);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return false;  // no lock file: nobody holds it
    if (::flock(fd.get(), LOCK_SH | LOCK_NB) != 0) return errno == EWOULDBLOCK;
    ::flock(fd.get(), LOCK_UN);
    return false;
}

}  // namespace hnbsec::net
