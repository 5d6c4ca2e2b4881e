#include "harness/net/ip_command.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness/net/unique_fd.h"

extern char** environ;  // NOLINT(readability-redundant-declaration): POSIX leaves it undeclared

namespace hnbsec::net {
namespace {

// iproute2 lives in /usr/sbin on Debian (/sbin with merged /usr); a PATH without
// sbin (a non-login root shell) must not make the harness fail.
std::string ip_binary() {
    for (const char* candidate : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"}) {
        if (::access(candidate, X_OK) == 0) return candidate;
    }
    return "ip";  // let posix_spawnp search PATH and report
}

struct Pipe {
    UniqueFd read;
    UniqueFd write;
};

Result<Pipe> make_pipe() {
    std::array<int, 2> fds{};
    if (::pipe2(fds.data(), O_CLOEXEC) != 0) return Error(std::string("pipe2: ") + std::strerror(errno));
    return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

// Reads both pipes until both reach end of file or the deadline passes.
bool drain(int out_fd, int err_fd, std::string& out, std::string& err,
           std::chrono::steady_clock::time_point deadline) {
    std::array<pollfd, 2> fds{pollfd{out_fd, POLLIN, 0}, pollfd{err_fd, POLLIN, 0}};
    std::array<std::string*, 2> sinks{&out, &err};
    int open_count = 2;
    std::array<char, 4096> buffer{};
    while (open_count > 0) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready < 0) return false;
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) continue;
            const ssize_t n = ::read(fds[i].fd, buffer.data(), buffer.size());
            if (n > 0) {
                sinks[i]->append(buffer.data(), static_cast<std::size_t>(n));
            } else if (n == 0 || errno != EINTR) {
                fds[i].fd = -1;  // poll ignores negative descriptors
                --open_count;
            }
        }
    }
    return true;
}

std::string trimmed(std::string text) {
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    return text;
}

}  // namespace

std::string ip_command_line(const std::vector<std::string>& args) {
    std::string line = "ip";
    for (const auto& a : args) line += " " + a;
    return line;
}

Result<std::string> run_ip(const std::vector<std::string>& args, std::chrono::milliseconds timeout) {
    const auto context = "running '" + ip_command_line(args) + "'";
    HNBSEC_TRY(auto out_pipe, make_pipe());
    HNBSEC_TRY(auto err_pipe, make_pipe());

    const std::string binary = ip_binary();
    std::vector<std::string> storage;
    storage.reserve(args.size() + 1);
    storage.push_back(binary);
    storage.insert(storage.end(), args.begin(), args.end());
    std::vector<char*> argv;
    argv.reserve(storage.size() + 1);
    for (auto& s : storage) argv.push_back(s.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_pipe.write.get(), STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_pipe.write.get(), STDERR_FILENO);
    // The caller may block SIGINT/SIGTERM to wait for them (hnbsec net up); the child must not inherit that.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    sigset_t empty;
    sigemptyset(&empty);
    posix_spawnattr_setsigmask(&attributes, &empty);
    posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETSIGMASK);

    pid_t pid = 0;
    const int spawned = ::posix_spawnp(&pid, binary.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attributes);
    if (spawned != 0) {
        return Error("cannot start " + binary + ": " + std::strerror(spawned) + " (is iproute2 installed?)")
            .context(context);
    }
    out_pipe.write.reset();
    err_pipe.write.reset();

    std::string out;
    std::string err;
    const bool finished =
        drain(out_pipe.read.get(), err_pipe.read.get(), out, err, std::chrono::steady_clock::now() + timeout);
    if (!finished) ::kill(pid, SIGKILL);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!finished) {
        return Error("ip did not finish within " + std::to_string(timeout.count()) + " ms; killed")
            .context(context);
    }
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return out;
    std::string what = WIFEXITED(status) ? "ip exited with status " + std::to_string(WEXITSTATUS(status))
                                         : "ip was killed by signal " + std::to_string(WTERMSIG(status));
    err = trimmed(std::move(err));
    if (!err.empty()) what += ": " + err;
    return Error(what).context(context);
}

}  // namespace hnbsec::net
