#include "harness/net/sockets.h"

#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "harness/net/net_namespace.h"

namespace hnbsec::net {
namespace {

struct SocketAddress {
    sockaddr_storage storage{};
    socklen_t length = 0;
    int family = AF_UNSPEC;
};

Result<SocketAddress> socket_address(const std::string& address, std::uint16_t port) {
    SocketAddress out;
    sockaddr_in v4{};
    sockaddr_in6 v6{};
    if (::inet_pton(AF_INET, address.c_str(), &v4.sin_addr) == 1) {
        v4.sin_family = AF_INET;
        v4.sin_port = htons(port);
        std::memcpy(&out.storage, &v4, sizeof v4);
        out.length = sizeof v4;
        out.family = AF_INET;
    } else if (::inet_pton(AF_INET6, address.c_str(), &v6.sin6_addr) == 1) {
        v6.sin6_family = AF_INET6;
        v6.sin6_port = htons(port);
        std::memcpy(&out.storage, &v6, sizeof v6);
        out.length = sizeof v6;
        out.family = AF_INET6;
    } else {
        return Error("'" + address + "' is not an IPv4 or IPv6 address");
    }
    return out;
}

Result<UniqueFd> open_bound(const std::string& ns, const std::string& address, std::uint16_t port, int type,
                            int backlog) {
    const std::string what = std::string(type == SOCK_DGRAM ? "UDP" : "TCP") + " socket on " + address +
                             " port " + std::to_string(port) + " in namespace " + ns;
    HNBSEC_TRY(const auto local, socket_address(address, port));
    auto opened = in_namespace(ns, [&]() -> Result<UniqueFd> {
        UniqueFd fd(::socket(local.family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd.valid()) return Error(std::string("socket: ") + std::strerror(errno));
        if (type == SOCK_STREAM) {
            const int on = 1;
            // A restarted listener must not wait out TIME_WAIT of its previous run.
            if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) {
                return Error(std::string("SO_REUSEADDR: ") + std::strerror(errno));
            }
        }
        // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
        if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&local.storage), local.length) != 0) {
            return Error(std::string("bind: ") + std::strerror(errno));
        }
        if (type == SOCK_STREAM && ::listen(fd.get(), backlog) != 0) {
            return Error(std::string("listen: ") + std::strerror(errno));
        }
        return fd;
    });
    if (!opened.ok()) return std::move(opened).error().context("opening a " + what);
    return opened;
}

}  // namespace

Result<UniqueFd> open_udp_socket(const std::string& ns, const std::string& address, std::uint16_t port) {
    return open_bound(ns, address, port, SOCK_DGRAM, 0);
}

Result<UniqueFd> open_tcp_listener(const std::string& ns, const std::string& address, std::uint16_t port,
                                   int backlog) {
    return open_bound(ns, address, port, SOCK_STREAM, backlog);
}

Result<std::uint16_t> local_port(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-reinterpret-cast): the sockets API
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
        return Error(std::string("getsockname: ") + std::strerror(errno));
    }
    if (storage.ss_family == AF_INET) {
        sockaddr_in v4{};
        std::memcpy(&v4, &storage, sizeof v4);
        return static_cast<std::uint16_t>(ntohs(v4.sin_port));
    }
    if (storage.ss_family == AF_INET6) {
        sockaddr_in6 v6{};
        std::memcpy(&v6, &storage, sizeof v6);
        return static_cast<std::uint16_t>(ntohs(v6.sin6_port));
    }
    return Error("getsockname: not an IP socket");
}

}  // namespace hnbsec::net
