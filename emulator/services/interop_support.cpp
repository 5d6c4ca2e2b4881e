#include "emulator/services/interop_support.h"

#include <array>
#include <cstdio>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/testing/shell.h"

namespace hnbsec::emulator::testing {

CommandResult run_command(const std::string& command) {
    auto result = test_support::run_shell(command);
    return {result.exit_code, std::move(result.output)};
}

std::string shell_quote(const std::string& text) {
    std::string out = "'";
    for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file) {
    int in[2] = {-1, -1};
    int out[2] = {-1, -1};
    if (::pipe2(in, O_CLOEXEC) != 0) return;
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        return;
    }
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const std::string err_path = stderr_file.string();
    pid_ = ::fork();
    if (pid_ == 0) {
        ::dup2(in[0], STDIN_FILENO);
        ::dup2(out[1], STDOUT_FILENO);
        const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (err >= 0) ::dup2(err, STDERR_FILENO);
        ::execv(args[0], args.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    stdin_fd_ = in[1];
    stdout_fd_ = out[0];
}

ChildProcess::~ChildProcess() {
    stop();
}

void ChildProcess::stop() {
    if (stdin_fd_ >= 0) ::close(stdin_fd_);
    stdin_fd_ = -1;
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
        int status = 0;
        while (::waitpid(pid_, &status, WNOHANG) == 0) {
            if (std::chrono::steady_clock::now() > deadline) {
                ::kill(pid_, SIGKILL);
                ::waitpid(pid_, &status, 0);
                break;
            }
            // Bounded poll on nothing: a 20 ms tick while the child exits.
            ::poll(nullptr, 0, 20);
        }
        pid_ = -1;
    }
    if (stdout_fd_ >= 0) ::close(stdout_fd_);
    stdout_fd_ = -1;
}

std::optional<std::string> ChildProcess::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const std::size_t newline = buffered_.find('\n');
        if (newline != std::string::npos) {
            std::string line = buffered_.substr(0, newline);
            buffered_.erase(0, newline + 1);
            return line;
        }
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (stdout_fd_ < 0 || left.count() <= 0) return std::nullopt;
        pollfd entry{stdout_fd_, POLLIN, 0};
        if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) return std::nullopt;
        std::array<char, 512> chunk{};
        const ssize_t got = ::read(stdout_fd_, chunk.data(), chunk.size());
        if (got <= 0) return std::nullopt;
        buffered_.append(chunk.data(), static_cast<std::size_t>(got));
    }
}

FakeNtpServer::FakeNtpServer(Reply reply) {
    fd_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        ::pipe2(stop_pipe_, O_CLOEXEC) != 0) {
        return;
    }
    port_ = ntohs(address.sin_port);
    thread_ = std::thread([this, reply = std::move(reply)] {
        std::array<pollfd, 2> entries{{{fd_, POLLIN, 0}, {stop_pipe_[0], POLLIN, 0}}};
        if (::poll(entries.data(), entries.size(), 10000) <= 0 || entries[1].revents != 0) return;
        std::array<std::uint8_t, 1024> buffer{};
        sockaddr_in peer{};
        socklen_t peer_length = sizeof peer;
        const ssize_t got = ::recvfrom(fd_, buffer.data(), buffer.size(), 0,
                                       reinterpret_cast<sockaddr*>(&peer), &peer_length);
        if (got <= 0) return;
        char text[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &peer.sin_addr, text, sizeof text);
        peer_ = text;
        auto request = ntp::decode_packet(std::span(buffer.data(), static_cast<std::size_t>(got)));
        if (!request.ok()) return;
        auto answer = ntp::encode_packet(reply(*request));
        if (!answer.ok()) return;
        ::sendto(fd_, answer->data(), answer->size(), 0, reinterpret_cast<sockaddr*>(&peer), peer_length);
    });
}

FakeNtpServer::~FakeNtpServer() {
    if (stop_pipe_[1] >= 0) {
        const char byte = 0;
        [[maybe_unused]] const ssize_t ignored = ::write(stop_pipe_[1], &byte, 1);
    }
    if (thread_.joinable()) thread_.join();
    for (int fd : {fd_, stop_pipe_[0], stop_pipe_[1]})
        if (fd >= 0) ::close(fd);
}

std::string FakeNtpServer::peer_address() {
    if (thread_.joinable()) thread_.join();
    return peer_;
}

std::uint16_t free_udp_port() {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    std::uint16_t port = 0;
    if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    if (fd >= 0) ::close(fd);
    return port;
}

}  // namespace hnbsec::emulator::testing
