#pragma once
// Helpers of the services' interop tests: running the openssl command, a child process
// (chronyd, the Python ACS) that is stopped by its PID whatever the test's outcome, and a
// one-shot fake NTP server for replies no real server sends on purpose.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include <sys/types.h>

#include "proto/ntp/packet.h"

namespace hnbsec::emulator::testing {

struct CommandResult {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
};
CommandResult run_command(const std::string& command);
std::string shell_quote(const std::string& text);

// A child started with argv, its stdin and stdout piped to us (closing stdin tells a
// well-behaved child that we are gone), stderr to `stderr_file`. The destructor sends
// SIGTERM, waits up to 5 s, then SIGKILL.
class ChildProcess {
public:
    ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& stderr_file);
    ~ChildProcess();
    ChildProcess(const ChildProcess&) = delete;
    ChildProcess& operator=(const ChildProcess&) = delete;

    bool started() const { return pid_ > 0; }
    // The next line of the child's stdout, or nothing when `timeout` passes first or it exits.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout);
    void stop();

private:
    pid_t pid_ = -1;
    int stdin_fd_ = -1;
    int stdout_fd_ = -1;
    std::string buffered_;
};

// A UDP server on 127.0.0.1 that answers the first request with `reply(request)` and
// records where it came from. Stops after one answer or at destruction.
class FakeNtpServer {
public:
    using Reply = std::function<ntp::Packet(const ntp::Packet& request)>;
    explicit FakeNtpServer(Reply reply);
    ~FakeNtpServer();
    FakeNtpServer(const FakeNtpServer&) = delete;
    FakeNtpServer& operator=(const FakeNtpServer&) = delete;

    std::uint16_t port() const { return port_; }
    // The client's source address; waits for the server thread to finish (it has answered).
    std::string peer_address();

private:
    int fd_ = -1;
    int stop_pipe_[2] = {-1, -1};
    std::uint16_t port_ = 0;
    std::string peer_;
    std::thread thread_;
};

// A UDP port on 127.0.0.1 that is free right now (for daemons that need a number).
std::uint16_t free_udp_port();

}  // namespace hnbsec::emulator::testing
