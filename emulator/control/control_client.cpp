#include "emulator/control/control_client.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace hnbsec::emulator::control {
namespace {

class SocketFd {
public:
    explicit SocketFd(int fd) : fd_(fd) {}
    SocketFd(const SocketFd&) = delete;
    SocketFd& operator=(const SocketFd&) = delete;
    ~SocketFd() {
        if (fd_ >= 0) ::close(fd_);
    }
    int get() const { return fd_; }

private:
    int fd_;
};

std::string errno_text() {
    return std::strerror(errno);
}

int remaining_ms(std::chrono::steady_clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() < 0 ? 0 : static_cast<int>(std::min<std::int64_t>(left.count(), 60'000));
}

}  // namespace

Result<std::string> control_request(const std::filesystem::path& socket, std::string_view line,
                                    std::chrono::milliseconds timeout) {
    const std::string where = "control socket " + socket.string();
    if (line.find('\n') != std::string_view::npos) return Error("a control command is one line");
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string path = socket.string();
    if (path.empty() || path.size() >= sizeof(address.sun_path)) return Error(where + ": path too long");
    std::memcpy(address.sun_path, path.c_str(), path.size() + 1);

    const SocketFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (fd.get() < 0) return Error("cannot create a Unix socket: " + errno_text());
    if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        return Error("cannot connect to " + where + ": " + errno_text());
    }
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string out(line);
    out.push_back('\n');
    std::size_t sent = 0;
    while (sent < out.size()) {
        pollfd p{fd.get(), POLLOUT, 0};
        if (::poll(&p, 1, remaining_ms(deadline)) == 0) return Error("timeout sending to " + where);
        const ssize_t n = ::send(fd.get(), out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n <= 0) return Error("cannot send to " + where + ": " + errno_text());
        sent += static_cast<std::size_t>(n);
    }
    std::string reply;
    std::array<char, 512> chunk{};
    while (reply.find('\n') == std::string::npos) {
        pollfd p{fd.get(), POLLIN, 0};
        const int ready = ::poll(&p, 1, remaining_ms(deadline));
        if (ready < 0 && errno == EINTR) continue;
        if (ready <= 0) {
            return Error("no reply to '" + std::string(line) + "' from " + where + " within " +
                         std::to_string(timeout.count()) + " ms");
        }
        const ssize_t n = ::recv(fd.get(), chunk.data(), chunk.size(), 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
        if (n == 0) return Error(where + " closed the connection without a reply");
        if (n < 0) return Error("cannot read from " + where + ": " + errno_text());
        reply.append(chunk.data(), static_cast<std::size_t>(n));
    }
    reply.resize(reply.find('\n'));
    if (!reply.empty() && reply.back() == '\r') reply.pop_back();
    if (reply == "ok") return std::string();
    if (reply.starts_with("ok ")) return reply.substr(3);
    if (reply.starts_with("err "))
        return Error("hnbsec-henb refused '" + std::string(line) + "': " + reply.substr(4));
    return Error(where + " sent an unexpected reply: " + reply.substr(0, 200));
}

}  // namespace hnbsec::emulator::control
