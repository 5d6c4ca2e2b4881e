#pragma once
// Sockets created inside a named network namespace and handed back as owned,
// non-blocking, close-on-exec descriptors for asio's `assign()` (or the
// constructor that takes a native handle). The socket stays in its namespace
// whichever thread uses it later.

#include <cstdint>
#include <string>

#include "core/result.h"
#include "harness/net/unique_fd.h"

namespace hnbsec::net {

// A UDP socket bound to `address`:`port` (IPv4 or IPv6 literal; port 0 picks one).
Result<UniqueFd> open_udp_socket(const std::string& ns, const std::string& address, std::uint16_t port);

// A listening TCP socket (SO_REUSEADDR) bound to `address`:`port`.
Result<UniqueFd> open_tcp_listener(const std::string& ns, const std::string& address, std::uint16_t port,
                                   int backlog = 64);

// The port a bound socket ended up on (for port 0).
Result<std::uint16_t> local_port(int fd);

}  // namespace hnbsec::net
