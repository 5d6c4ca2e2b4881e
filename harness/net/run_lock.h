#pragma once
// The liveness of a run: a run holds an exclusive flock(2) on
// <lock dir>/<run id>.lock for its whole lifetime. The kernel drops the lock when
// the process dies, however it dies (SIGKILL included), so "lock not held" is a
// reliable "run is dead" for sweep(), with no PID files to go stale.

#include <filesystem>
#include <string>

#include "core/result.h"
#include "harness/net/run_id.h"
#include "harness/net/unique_fd.h"

namespace hnbsec::net {

inline constexpr std::string_view kDefaultLockDir = "/run/hnbsec";

class RunLock {
public:
    // Creates the lock dir if needed and takes the lock without waiting; fails
    // when another live run holds it (the ID is in use).
    static Result<RunLock> acquire(
        const RunId& run_id, const std::filesystem::path& lock_dir = std::filesystem::path(kDefaultLockDir));

    RunLock(RunLock&&) noexcept = default;
    RunLock& operator=(RunLock&&) noexcept = default;
    // Removes the lock file, then releases the lock.
    ~RunLock();

    const RunId& run_id() const { return run_id_; }
    const std::filesystem::path& path() const { return path_; }

private:
    RunLock(RunId run_id, std::filesystem::path path, UniqueFd fd);
    RunId run_id_;
    std::filesystem::path path_;
    UniqueFd fd_;
};

// True when a live process holds the lock of `run_id`. Probes with a
// non-blocking flock on a fresh open file description, so it also answers
// correctly inside the process that holds the lock.
bool run_is_alive(const RunId& run_id,
                  const std::filesystem::path& lock_dir = std::filesystem::path(kDefaultLockDir));

}  // namespace hnbsec::net
