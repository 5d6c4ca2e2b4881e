#pragma once
// A process the DUT adapters start: a hook, hnbsec-henb, charon, swanctl. Each runs in a
// process group of its own (so a timeout kills the hook's children too), optionally inside
// a named network namespace (/run/netns/<name>) and with a private /run (charon's pid file
// and sockets are compiled into /run: two charons on one machine need one each, LAB.md §5).
//
// The parent decides everything before fork(): the child only makes system calls
// (setns, unshare, mount, dup2, execve), which is all that is safe after fork() in a
// process that has other threads (the lab's roles).
//
// Waiting uses a pidfd (Linux >= 5.3): poll() until the process exits or the deadline
// passes, never a sleep.

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <sys/types.h>

#include "core/result.h"

namespace hnbsec::dut {

struct SpawnSpec {
    // argv[0] is a path, or a name searched on PATH, /usr/sbin and /sbin.
    std::vector<std::string> argv;
    // "NAME=value" entries replacing or adding to the inherited environment.
    std::vector<std::string> env_set;
    // Inherited variables to drop (e.g. a PIN variable the child must not see).
    std::vector<std::string> env_unset;
    std::optional<std::filesystem::path> cwd;
    std::optional<std::string> netns;                  // enter /run/netns/<netns>
    std::optional<std::filesystem::path> private_run;  // bind this folder over /run (own mount namespace)
    // stdout and stderr are appended to this file (created 0600); /dev/null when empty.
    std::optional<std::filesystem::path> output;
};

struct ExitStatus {
    int code = -1;   // exit code, or -1 when killed by a signal
    int signal = 0;  // the terminating signal, or 0
    bool success() const { return code == 0; }
    std::string describe() const;  // "exit status 3", "killed by signal 9"
};

class ChildProcess {
public:
    static Result<ChildProcess> spawn(const SpawnSpec& spec);
    // Same, but stdout and stderr go to `output_fd` (spec.output is ignored); the caller
    // keeps and closes its own descriptor.
    static Result<ChildProcess> spawn_to_fd(const SpawnSpec& spec, int output_fd);

    ChildProcess(ChildProcess&& other) noexcept;
    ChildProcess& operator=(ChildProcess&& other) noexcept;
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;
    // Kills the group (SIGKILL) and reaps the process if it still runs.
    ~ChildProcess();

    pid_t pid() const { return pid_; }
    // True until the process has exited (an exited process is reaped here).
    bool running();
    // The exit status once reaped.
    const std::optional<ExitStatus>& exit_status() const { return status_; }

    // Waits until the process exits; nullopt when `timeout` passed first.
    std::optional<ExitStatus> wait_for(std::chrono::milliseconds timeout);
    // Sends `sig` to the whole process group (harmless when it is gone).
    void signal_group(int sig) const;
    // SIGTERM to the group, wait up to `grace`, then SIGKILL to the group and reap. The
    // rest of the group is killed too once the leader is gone.
    ExitStatus stop(std::chrono::milliseconds grace);

private:
    ChildProcess(pid_t pid, int pidfd) : pid_(pid), pidfd_(pidfd) {}
    void reap();
    void release();

    pid_t pid_ = -1;
    int pidfd_ = -1;
    std::optional<ExitStatus> status_;
};

// Runs a command to completion with a deadline, its stdout and stderr captured.
struct CommandResult {
    std::optional<ExitStatus> status;  // nullopt: killed at the deadline
    std::string output;                // stdout and stderr interleaved
    bool ok() const { return status && status->success(); }
};
Result<CommandResult> run_command(SpawnSpec spec, std::chrono::milliseconds timeout);

// argv[0] resolved to an executable path, or empty.
std::string find_executable(const std::string& name);

}  // namespace hnbsec::dut
