#include "harness/dut/child_process.h"

#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <map>

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace hnbsec::dut {
namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

std::string errno_text() {
    return std::strerror(errno);
}  // NOLINT(concurrency-mt-unsafe)

// A descriptor closed when it goes out of scope (only the parent's copies).
class Fd {
public:
    explicit Fd(int fd = -1) : fd_(fd) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

// The environment the child gets: ours, with the spec's changes, as "NAME=value" strings.
std::vector<std::string> child_environment(const SpawnSpec& spec) {
    std::map<std::string, std::string> vars;
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
        const std::string entry(*e);
        const auto eq = entry.find('=');
        if (eq != std::string::npos) vars[entry.substr(0, eq)] = entry;
    }
    for (const auto& name : spec.env_unset) vars.erase(name);
    for (const auto& entry : spec.env_set) vars[entry.substr(0, entry.find('='))] = entry;
    std::vector<std::string> out;
    out.reserve(vars.size());
    for (auto& [name, entry] : vars) out.push_back(std::move(entry));
    return out;
}

std::vector<char*> c_strings(std::vector<std::string>& strings) {
    std::vector<char*> out;
    out.reserve(strings.size() + 1);
    for (auto& s : strings) out.push_back(s.data());
    out.push_back(nullptr);
    return out;
}

// Writes a fixed message from the child after fork() (write(2) is async-signal-safe).
[[noreturn]] void child_fail(int fd, const char* what) {
    const int saved = errno;
    (void)!::write(fd, what, std::strlen(what));
    const char* reason = ::strerrordesc_np(saved);
    if (reason != nullptr) {
        (void)!::write(fd, ": ", 2);
        (void)!::write(fd, reason, std::strlen(reason));
    }
    (void)!::write(fd, "\n", 1);
    ::_exit(127);
}

struct ChildPlan {
    int netns_fd = -1;
    const char* private_run = nullptr;
    const char* cwd = nullptr;
    int stdin_fd = -1;
    int output_fd = -1;
    const char* path = nullptr;
    char* const* argv = nullptr;
    char* const* envp = nullptr;
};

// Runs in the child between fork() and execve(): system calls only.
[[noreturn]] void become_child(const ChildPlan& plan) {
    ::setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD}) (void)::signal(sig, SIG_DFL);
    ::dup2(plan.output_fd, STDOUT_FILENO);
    ::dup2(plan.output_fd, STDERR_FILENO);
    ::dup2(plan.stdin_fd, STDIN_FILENO);
    if (plan.netns_fd >= 0 && ::setns(plan.netns_fd, CLONE_NEWNET) != 0)
        child_fail(STDERR_FILENO, "hnbsec: entering the network namespace");
    if (plan.private_run != nullptr) {
        // A mount namespace of our own whose mounts do not propagate back to the host
        // (what `ip netns exec` does), then our folder over /run; /sys is remounted so it
        // shows the namespace's interfaces.
        if (::unshare(CLONE_NEWNS) != 0) child_fail(STDERR_FILENO, "hnbsec: unshare(CLONE_NEWNS)");
        if (::mount(nullptr, "/", nullptr, MS_REC | MS_SLAVE, nullptr) != 0)
            child_fail(STDERR_FILENO, "hnbsec: making / a slave mount");
        if (::mount(plan.private_run, "/run", nullptr, MS_BIND, nullptr) != 0)
            child_fail(STDERR_FILENO, "hnbsec: bind-mounting the private /run");
        if (::umount2("/sys", MNT_DETACH) == 0) (void)::mount("sysfs", "/sys", "sysfs", 0, nullptr);
    }
    // Nothing of the harness leaks into the child: not its sockets, not the core TUN.
    ::close_range(3, ~0U, 0);
    if (plan.cwd != nullptr && ::chdir(plan.cwd) != 0) child_fail(STDERR_FILENO, "hnbsec: chdir");
    ::execve(plan.path, plan.argv, plan.envp);
    child_fail(STDERR_FILENO, "hnbsec: execve");
}

ExitStatus decode_status(int status) {
    ExitStatus out;
    if (WIFEXITED(status)) out.code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) out.signal = WTERMSIG(status);
    return out;
}

}  // namespace

std::string ExitStatus::describe() const {
    if (signal != 0) return "killed by signal " + std::to_string(signal);
    return "exit status " + std::to_string(code);
}

std::string find_executable(const std::string& name) {
    if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
    const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): read-only use
    std::string dirs = path != nullptr ? path : "/usr/bin:/bin";
    dirs += ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::string dir = dirs.substr(start, end - start);
        if (!dir.empty()) {
            const fs::path candidate = fs::path(dir) / name;
            if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
        }
        start = end + 1;
    }
    return "";
}

Result<ChildProcess> ChildProcess::spawn(const SpawnSpec& spec) {
    const std::string target = spec.output ? spec.output->string() : "/dev/null";
    const Fd out(::open(target.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
    if (out.get() < 0) return Error("cannot open " + target + ": " + errno_text());
    return spawn_to_fd(spec, out.get());
}

Result<ChildProcess> ChildProcess::spawn_to_fd(const SpawnSpec& spec, int output_fd) {
    if (spec.argv.empty()) return Error("no program to start");
    const std::string path = find_executable(spec.argv[0]);
    if (path.empty()) return Error(spec.argv[0] + ": no such executable (searched PATH, /usr/sbin, /sbin)");

    std::optional<Fd> netns;
    if (spec.netns) {
        const std::string ns_path = "/run/netns/" + *spec.netns;
        netns.emplace(::open(ns_path.c_str(), O_RDONLY | O_CLOEXEC));
        if (netns->get() < 0) return Error("cannot open network namespace " + ns_path + ": " + errno_text());
    }
    const Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (devnull.get() < 0) return Error("cannot open /dev/null: " + errno_text());

    std::vector<std::string> argv_storage = spec.argv;
    std::vector<std::string> env_storage = child_environment(spec);
    std::vector<char*> argv = c_strings(argv_storage);
    std::vector<char*> envp = c_strings(env_storage);
    const std::string run_dir = spec.private_run ? spec.private_run->string() : "";
    const std::string cwd = spec.cwd ? spec.cwd->string() : "";

    ChildPlan plan;
    plan.netns_fd = netns ? netns->get() : -1;
    plan.private_run = spec.private_run ? run_dir.c_str() : nullptr;
    plan.cwd = spec.cwd ? cwd.c_str() : nullptr;
    plan.stdin_fd = devnull.get();
    plan.output_fd = output_fd;
    plan.path = path.c_str();
    plan.argv = argv.data();
    plan.envp = envp.data();

    const pid_t pid = ::fork();
    if (pid < 0) return Error("fork: " + errno_text());
    if (pid == 0) become_child(plan);
    // Also set in the parent, so a signal to the group cannot race the child's own setpgid().
    ::setpgid(pid, pid);
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid, 0));
    if (pidfd < 0) {
        const std::string why = errno_text();
        ::kill(-pid, SIGKILL);
        ::kill(pid, SIGKILL);
        int status = 0;
        ::waitpid(pid, &status, 0);
        return Error("pidfd_open: " + why);
    }
    return ChildProcess(pid, pidfd);
}

ChildProcess::ChildProcess(ChildProcess&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)), pidfd_(std::exchange(other.pidfd_, -1)), status_(other.status_) {}

ChildProcess& ChildProcess::operator=(ChildProcess&& other) noexcept {
    if (this != &other) {
        release();
        pid_ = std::exchange(other.pid_, -1);
        pidfd_ = std::exchange(other.pidfd_, -1);
        status_ = other.status_;
    }
    return *this;
}

ChildProcess::~ChildProcess() {
    release();
}

void ChildProcess::release() {
    if (pid_ > 0 && !status_) {
        signal_group(SIGKILL);
        reap();
    }
    if (pidfd_ >= 0) ::close(pidfd_);
    pidfd_ = -1;
    pid_ = -1;
}

void ChildProcess::reap() {
    int status = 0;
    pid_t got = 0;
    do {
        got = ::waitpid(pid_, &status, 0);
    } while (got < 0 && errno == EINTR);
    status_ = got == pid_ ? decode_status(status) : ExitStatus{};
}

bool ChildProcess::running() {
    if (pid_ <= 0 || status_) return false;
    return !wait_for(std::chrono::milliseconds(0)).has_value();
}

std::optional<ExitStatus> ChildProcess::wait_for(std::chrono::milliseconds timeout) {
    if (status_) return status_;
    if (pid_ <= 0) return std::nullopt;
    const auto deadline = Clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        pollfd fd{pidfd_, POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(std::max<long>(0, left.count())));
        if (ready < 0 && errno == EINTR) continue;
        if (ready > 0) break;
        if (left.count() <= 0 || ready == 0) return std::nullopt;
    }
    // Exited but not yet reaped: its PID (and so its group ID) cannot be reused yet, so the
    // group's leftovers (a hook's background children) can be killed safely now.
    signal_group(SIGKILL);
    reap();
    return status_;
}

void ChildProcess::signal_group(int sig) const {
    if (pid_ <= 0 || status_) return;
    ::kill(-pid_, sig);
    ::kill(pid_, sig);  // in case the child has not reached its setpgid() yet
}

ExitStatus ChildProcess::stop(std::chrono::milliseconds grace) {
    if (status_) return *status_;
    signal_group(SIGTERM);
    if (auto done = wait_for(grace)) return *done;
    signal_group(SIGKILL);
    reap();
    return *status_;
}

Result<CommandResult> run_command(SpawnSpec spec, std::chrono::milliseconds timeout) {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return Error("pipe2: " + errno_text());
    const Fd read_end(fds[0]);
    std::optional<Fd> write_end(std::in_place, fds[1]);
    HNBSEC_TRY(ChildProcess child, ChildProcess::spawn_to_fd(spec, write_end->get()));
    write_end.reset();

    CommandResult result;
    const auto deadline = Clock::now() + timeout;
    std::array<char, 4096> buffer{};
    bool timed_out = false;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        pollfd fd{read_end.get(), POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        const ssize_t n = ::read(read_end.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;  // every writer closed its end: the command (and its children) ended
        result.output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    if (timed_out) {
        child.stop(std::chrono::milliseconds(0));
        return result;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    result.status = child.wait_for(std::max(left, std::chrono::milliseconds(0)));
    if (!result.status) child.stop(std::chrono::milliseconds(0));
    return result;
}

}  // namespace hnbsec::dut
