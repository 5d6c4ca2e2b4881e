#pragma once
// The client sockets of the emulated H(e)NB's services (NTP over UDP, CWMP over TCP), with
// the two placements a device needs: a source address (the inner address, so the kernel
// routes the packet into the tunnel's TUN device) and a device (SO_BINDTODEVICE, which the
// leak defects use to send in clear on the backhaul). Both are applied before connect()
// or send(), so even the first packet leaves from the chosen place. Every wait is bounded
// by a deadline; nothing here blocks without one.

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <sys/socket.h>

#include "core/result.h"

namespace hnbsec::emulator {

using Deadline = std::chrono::steady_clock::time_point;

// An owned socket descriptor, closed on destruction.
class SocketFd {
public:
    SocketFd() = default;
    explicit SocketFd(int fd) : fd_(fd) {}
    SocketFd(const SocketFd&) = delete;
    SocketFd& operator=(const SocketFd&) = delete;
    SocketFd(SocketFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    SocketFd& operator=(SocketFd&& other) noexcept;
    ~SocketFd();

    int get() const { return fd_; }

private:
    int fd_ = -1;
};

// A numeric or resolved socket address.
struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family() const { return storage.ss_family; }
};

// "192.0.2.1" / "2001:db8::1" / a name (resolved with getaddrinfo, first answer of the
// family asked for, or any family when `family` is AF_UNSPEC).
Result<SocketAddress> resolve_address(const std::string& host, std::uint16_t port, int family = AF_UNSPEC);

// "192.0.2.1:123" / "[2001:db8::1]:443", for errors and results.
std::string address_text(const SocketAddress& address);

struct SocketPlacement {
    std::optional<std::string> bind_address;
    std::optional<std::string> bind_device;
};

// A non-blocking socket of `type` (SOCK_DGRAM / SOCK_STREAM) for talking to `peer`, bound
// to the placement. Not yet connected.
Result<SocketFd> open_client_socket(int type, const SocketAddress& peer, const SocketPlacement& placement);

// connect() on a non-blocking socket, waiting for completion until `deadline`.
Status connect_before(const SocketFd& socket, const SocketAddress& peer, Deadline deadline);

// poll() for `events` until `deadline`; an error names `what` ("NTP reply", ...).
Status wait_ready(int fd, short events, Deadline deadline, const std::string& what);

// The local address a connected socket uses ("10.78.0.2"), without the port.
Result<std::string> local_host(const SocketFd& socket);

// Milliseconds left until `deadline`, clamped to [0, INT_MAX] for poll().
int remaining_ms(Deadline deadline);

}  // namespace hnbsec::emulator
