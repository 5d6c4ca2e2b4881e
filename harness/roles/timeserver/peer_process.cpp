#include "harness/roles/timeserver/peer_process.h"

#include <array>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <thread>

#include <arpa/inet.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace hnbsec::timeserver::testing {
namespace {

std::atomic<int> namespace_counter{0};

}  // namespace

std::string find_program(const std::string& program) {
    const char* path = std::getenv("PATH");  // NOLINT(concurrency-mt-unsafe): tests read PATH once
    std::string dirs = path != nullptr ? path : "";
    dirs += ":/usr/sbin:/sbin";
    std::size_t start = 0;
    while (start <= dirs.size()) {
        const std::size_t end = std::min(dirs.find(':', start), dirs.size());
        const std::filesystem::path candidate =
            std::filesystem::path(dirs.substr(start, end - start)) / program;
        if (!dirs.substr(start, end - start).empty() && ::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
        start = end + 1;
    }
    return "";
}

ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline) {
    ProcessResult result;
    const std::string program = find_program(argv.at(0));
    if (program.empty()) {
        result.output = argv[0] + ": not found on PATH";
        return result;
    }
    std::array<int, 2> pipe_fds{};
    if (::pipe2(pipe_fds.data(), O_CLOEXEC) != 0) {
        result.output = "pipe failed";
        return result;
    }
    std::vector<char*> args;
    for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));  // NOLINT: execv's signature
    args.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::dup2(pipe_fds[1], STDOUT_FILENO);
        ::dup2(pipe_fds[1], STDERR_FILENO);
        ::setpgid(0, 0);
        ::execv(program.c_str(), args.data());
        ::_exit(127);
    }
    ::close(pipe_fds[1]);
    const auto end = std::chrono::steady_clock::now() + deadline;
    std::array<char, 4096> buffer{};
    for (;;) {
        const auto left =
            std::chrono::duration_cast<std::chrono::milliseconds>(end - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            result.timed_out = true;
            ::kill(-pid, SIGKILL);
            ::kill(pid, SIGKILL);
            break;
        }
        pollfd fd{pipe_fds[0], POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) continue;
        const ssize_t n = ::read(pipe_fds[0], buffer.data(), buffer.size());
        if (n <= 0) break;  // EOF: the peer closed its output (exited)
        result.output.append(buffer.data(), static_cast<std::size_t>(n));
    }
    ::close(pipe_fds[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
    return result;
}

NetworkNamespace::NetworkNamespace()
    : name_("hnbsec-ntp-" + std::to_string(::getpid()) + "-" + std::to_string(namespace_counter++)) {
    auto add = run_process({"ip", "netns", "add", name_}, std::chrono::seconds(10));
    setup_output_ = add.output;
    if (add.exit_code != 0) return;
    auto up = run_process({"ip", "-n", name_, "link", "set", "lo", "up"}, std::chrono::seconds(10));
    setup_output_ += up.output;
    ok_ = up.exit_code == 0;
}

NetworkNamespace::~NetworkNamespace() {
    (void)run_process({"ip", "netns", "del", name_}, std::chrono::seconds(10));
}

int NetworkNamespace::bound_udp_socket(const std::string& address, std::uint16_t port,
                                       std::string& error) const {
    int result = -1;
    // setns() changes only the calling thread's namespace: do it on a thread of its own.
    std::thread worker([&] {
        const std::string path = "/var/run/netns/" + name_;
        const int ns = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (ns < 0 || ::setns(ns, CLONE_NEWNET) != 0) {
            error = "entering " + path + ": " + std::strerror(errno);  // NOLINT(concurrency-mt-unsafe)
            if (ns >= 0) ::close(ns);
            return;
        }
        ::close(ns);
        const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_port = htons(port);
        ::inet_pton(AF_INET, address.c_str(), &local.sin_addr);
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API's type pun
        if (fd < 0 || ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof(local)) != 0) {
            error = "binding UDP " + address + ":" + std::to_string(port) + ": " +
                    std::strerror(errno);  // NOLINT
            if (fd >= 0) ::close(fd);
            return;
        }
        result = fd;
    });
    worker.join();
    return result;
}

}  // namespace hnbsec::timeserver::testing
