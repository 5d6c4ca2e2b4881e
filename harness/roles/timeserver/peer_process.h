#pragma once
// Test support for the interop tests: runs an independent peer (chronyd, ntpdig, ip)
// to completion with a deadline, capturing its output, and a network namespace that
// lives exactly as long as the test that made it.

#include <chrono>
#include <string>
#include <vector>

namespace hnbsec::timeserver::testing {

struct ProcessResult {
    int exit_code = -1;  // -1 when it did not exit by itself (killed at the deadline)
    bool timed_out = false;
    std::string output;  // stdout and stderr interleaved
};

// Runs argv[0] (searched on PATH) and waits at most `deadline`; at the deadline the
// process is killed with SIGKILL and reaped.
ProcessResult run_process(const std::vector<std::string>& argv, std::chrono::milliseconds deadline);

// Whether `program` is an executable on PATH (or in /usr/sbin, where chronyd lives).
std::string find_program(const std::string& program);

// A network namespace named hnbsec-ntp-<pid>-<n> with its loopback up; deleted by the
// destructor, so a failing test leaves nothing behind.
class NetworkNamespace {
public:
    NetworkNamespace();
    ~NetworkNamespace();
    NetworkNamespace(const NetworkNamespace&) = delete;
    NetworkNamespace& operator=(const NetworkNamespace&) = delete;

    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }
    const std::string& setup_output() const { return setup_output_; }
    // A UDP socket bound to address:port inside the namespace, or -1 (errno-style message in `error`).
    int bound_udp_socket(const std::string& address, std::uint16_t port, std::string& error) const;

private:
    std::string name_;
    std::string setup_output_;
    bool ok_ = false;
};

}  // namespace hnbsec::timeserver::testing
