#pragma once
// Runs iproute2's `ip` with an argv array (posix_spawn, never a shell).
//
// Why `ip` and not rtnetlink by hand: the harness needs a dozen kinds of
// request (netns, veth with peer netns, addresses, routes, link moves); iproute2
// is the reference implementation of every one, its error text is what a lab
// engineer can act on, and each step we run can be printed as the command a
// person would type to reproduce or inspect it. The cost (a fork per step, ~2 ms)
// is paid once per run. Only the TUN device is made in-process (ioctl), because
// its file descriptor must stay with the harness.

#include <chrono>
#include <string>
#include <vector>

#include "core/result.h"

namespace hnbsec::net {

// stdout of `ip <args...>`; an error quoting the command line, the exit status
// and stderr when it fails or outlives `timeout` (then it is killed).
Result<std::string> run_ip(const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

// "ip -n hx1-dut addr add ..." for logs and error messages.
std::string ip_command_line(const std::vector<std::string>& args);

}  // namespace hnbsec::net
