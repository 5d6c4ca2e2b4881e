#include "harness/net/tun_device.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "harness/net/net_namespace.h"
#include "harness/net/run_id.h"

namespace hnbsec::net {
namespace {

std::string errno_text(const char* call) {
    return std::string(call) + ": " + std::strerror(errno);
}

// Runs inside the namespace: the device, and the ioctls that set it up, land there.
Result<UniqueFd> create_in_current_namespace(const std::string& name, int mtu) {
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): open(2) is variadic
    UniqueFd fd(::open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fd.valid()) return Error(errno_text("open /dev/net/tun"));
    ifreq request{};
    // IFF_NO_PI: no 4-byte packet-information header, a read is the bare IP packet.
    request.ifr_flags = IFF_TUN | IFF_NO_PI;
    std::memcpy(request.ifr_name, name.data(), name.size());  // length checked by the caller
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg): ioctl(2) is variadic
    if (::ioctl(fd.get(), TUNSETIFF, &request) != 0) return Error(errno_text("TUNSETIFF"));

    // Interface ioctls go through any socket of the namespace.
    UniqueFd control(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!control.valid()) return Error(errno_text("socket"));
    request.ifr_mtu = mtu;
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg)
    if (::ioctl(control.get(), SIOCSIFMTU, &request) != 0) return Error(errno_text("SIOCSIFMTU"));
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg)
    if (::ioctl(control.get(), SIOCGIFFLAGS, &request) != 0) return Error(errno_text("SIOCGIFFLAGS"));
    request.ifr_flags = static_cast<short>(request.ifr_flags | IFF_UP);
    // NOLINTNEXTLINE(cppcoreguidelines-pro-type-vararg)
    if (::ioctl(control.get(), SIOCSIFFLAGS, &request) != 0) return Error(errno_text("SIOCSIFFLAGS"));
    return fd;
}

}  // namespace

namespace {

Status check_name_and_mtu(const std::string& name, int mtu) {
    if (name.empty() || name.size() > kMaxInterfaceNameLength) {
        return Error("interface name '" + name + "' must have 1 to 15 characters");
    }
    // 68 is the IPv4 minimum (RFC 791); above 65535 a length field cannot say it.
    if (mtu < 68 || mtu > 65535) {
        return Error("MTU " + std::to_string(mtu) + " is outside 68..65535");
    }
    return Ok{};
}

}  // namespace

Result<TunDevice> TunDevice::open(const std::string& ns, const std::string& name, int mtu) {
    const auto context = "creating TUN device " + name + " in namespace " + ns;
    if (auto checked = check_name_and_mtu(name, mtu); !checked.ok())
        return std::move(checked).error().context(context);
    auto fd = in_namespace(ns, [&] { return create_in_current_namespace(name, mtu); });
    if (!fd.ok()) return std::move(fd).error().context(context);
    return TunDevice(ns, name, mtu, std::move(*fd));
}

Result<TunDevice> TunDevice::open_here(const std::string& name, int mtu) {
    const auto context = "creating TUN device " + name + " in the current namespace";
    if (auto checked = check_name_and_mtu(name, mtu); !checked.ok())
        return std::move(checked).error().context(context);
    auto fd = create_in_current_namespace(name, mtu);
    if (!fd.ok()) return std::move(fd).error().context(context);
    return TunDevice(std::string(), name, mtu, std::move(*fd));
}

Result<std::optional<std::vector<std::uint8_t>>> TunDevice::read_packet() {
    if (!fd_.valid()) return Error("TUN device " + name_ + " was released");
    // One read is one packet; 65535 holds any IP packet whatever the MTU says.
    std::vector<std::uint8_t> packet(65535);
    for (;;) {
        const ssize_t n = ::read(fd_.get(), packet.data(), packet.size());
        if (n >= 0) {
            packet.resize(static_cast<std::size_t>(n));
            return std::optional<std::vector<std::uint8_t>>(std::move(packet));
        }
        if (errno == EINTR) continue;
        if (errno == EAGAIN || errno == EWOULDBLOCK) return std::optional<std::vector<std::uint8_t>>();
        return Error("reading TUN device " + name_ + ": " + std::strerror(errno));
    }
}

Result<std::vector<std::uint8_t>> TunDevice::read_packet(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        HNBSEC_TRY(auto packet, read_packet());
        if (packet) return std::move(*packet);
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return Error("no packet on TUN device " + name_ + " within " + std::to_string(timeout.count()) +
                         " ms");
        }
        pollfd waiting{fd_.get(), POLLIN, 0};
        if (::poll(&waiting, 1, static_cast<int>(left.count())) < 0 && errno != EINTR) {
            return Error("waiting on TUN device " + name_ + ": " + std::strerror(errno));
        }
    }
}

Status TunDevice::write_packet(std::span<const std::uint8_t> packet) {
    if (!fd_.valid()) return Error("TUN device " + name_ + " was released");
    for (;;) {
        const ssize_t n = ::write(fd_.get(), packet.data(), packet.size());
        if (n == static_cast<ssize_t>(packet.size())) return Ok{};
        if (n < 0 && errno == EINTR) continue;
        if (n >= 0) {
            return Error("TUN device " + name_ + " took " + std::to_string(n) + " of " +
                         std::to_string(packet.size()) + " bytes");
        }
        return Error("writing " + std::to_string(packet.size()) + " bytes to TUN device " + name_ + ": " +
                     std::strerror(errno));
    }
}

}  // namespace hnbsec::net
