#include "emulator/services/client_socket.h"

#include <cerrno>
#include <climits>
#include <cstring>

#include <arpa/inet.h>
#include <fcntl.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <unistd.h>

namespace hnbsec::emulator {
namespace {

std::string errno_text(int error) {
    return std::strerror(error);  // NOLINT(concurrency-mt-unsafe): messages only
}

}  // namespace

SocketFd& SocketFd::operator=(SocketFd&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
}

SocketFd::~SocketFd() {
    if (fd_ >= 0) ::close(fd_);
}

Result<SocketAddress> resolve_address(const std::string& host, std::uint16_t port, int family) {
    addrinfo hints{};
    hints.ai_family = family;
    hints.ai_flags = AI_ADDRCONFIG;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    int rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    if (rc != 0) {
        // AI_ADDRCONFIG hides loopback-only configurations (a fresh namespace); retry without.
        hints.ai_flags = 0;
        rc = ::getaddrinfo(host.c_str(), service.c_str(), &hints, &found);
    }
    if (rc != 0 || found == nullptr) {
        return Error("cannot resolve '" + host + "': " + ::gai_strerror(rc));
    }
    SocketAddress address;
    std::memcpy(&address.storage, found->ai_addr, found->ai_addrlen);
    address.length = found->ai_addrlen;
    ::freeaddrinfo(found);
    return address;
}

std::string address_text(const SocketAddress& address) {
    char host[INET6_ADDRSTRLEN] = {};
    if (address.family() == AF_INET) {
        sockaddr_in in{};
        std::memcpy(&in, &address.storage, sizeof in);
        ::inet_ntop(AF_INET, &in.sin_addr, host, sizeof host);
        return std::string(host) + ":" + std::to_string(ntohs(in.sin_port));
    }
    if (address.family() == AF_INET6) {
        sockaddr_in6 in6{};
        std::memcpy(&in6, &address.storage, sizeof in6);
        ::inet_ntop(AF_INET6, &in6.sin6_addr, host, sizeof host);
        return "[" + std::string(host) + "]:" + std::to_string(ntohs(in6.sin6_port));
    }
    return "(address family " + std::to_string(address.family()) + ")";
}

Result<SocketFd> open_client_socket(int type, const SocketAddress& peer, const SocketPlacement& placement) {
    SocketFd socket(::socket(peer.family(), type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (socket.get() < 0) return Error("socket(): " + errno_text(errno));
    if (placement.bind_device) {
        const std::string& device = *placement.bind_device;
        if (device.empty() || device.size() >= IFNAMSIZ) {
            return Error("bind_device '" + device + "' is not an interface name");
        }
        if (::setsockopt(socket.get(), SOL_SOCKET, SO_BINDTODEVICE, device.c_str(),
                         static_cast<socklen_t>(device.size())) != 0) {
            return Error("SO_BINDTODEVICE " + device + ": " + errno_text(errno));
        }
    }
    if (placement.bind_address) {
        auto local = resolve_address(*placement.bind_address, 0, peer.family());
        if (!local.ok()) return std::move(local).error().context("binding to the source address");
        if (::bind(socket.get(), reinterpret_cast<const sockaddr*>(&local->storage), local->length) != 0) {
            return Error("bind " + *placement.bind_address + ": " + errno_text(errno));
        }
    }
    return socket;
}

Result<std::string> local_host(const SocketFd& socket) {
    SocketAddress local;
    local.length = sizeof local.storage;
    if (::getsockname(socket.get(), reinterpret_cast<sockaddr*>(&local.storage), &local.length) != 0) {
        return Error("getsockname: " + errno_text(errno));
    }
    std::string text = address_text(local);
    text.erase(text.rfind(':'));
    return text;
}

int remaining_ms(Deadline deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return 0;
    if (left.count() > INT_MAX) return INT_MAX;
    return static_cast<int>(left.count());
}

Status wait_ready(int fd, short events, Deadline deadline, const std::string& what) {
    for (;;) {
        pollfd entry{fd, events, 0};
        const int rc = ::poll(&entry, 1, remaining_ms(deadline));
        if (rc > 0) return Ok{};
        if (rc == 0) return Error("timed out waiting for " + what);
        if (errno != EINTR) return Error("poll() waiting for " + what + ": " + errno_text(errno));
    }
}

Status connect_before(const SocketFd& socket, const SocketAddress& peer, Deadline deadline) {
    const std::string target = address_text(peer);
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&peer.storage), peer.length) == 0) {
        return Ok{};
    }
    if (errno != EINPROGRESS) return Error("connect to " + target + ": " + errno_text(errno));
    HNBSEC_CHECK(wait_ready(socket.get(), POLLOUT, deadline, "the connection to " + target));
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(socket.get(), SOL_SOCKET, SO_ERROR, &error, &length) != 0) error = errno;
    if (error != 0) return Error("connect to " + target + ": " + errno_text(error));
    return Ok{};
}

}  // namespace hnbsec::emulator
