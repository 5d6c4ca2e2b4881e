#include "emulator/control/control_server.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <list>
#include <mutex>
#include <thread>
#include <utility>

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "emulator/control/control_command.h"

namespace hnbsec::emulator::control {
namespace {

// Writes that a stuck peer does not drain give up after this long.
constexpr int kSendTimeoutSeconds = 2;
constexpr std::string_view kQuit = "quit";

class Fd {
public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept {
        if (this != &other) {
            reset();
            fd_ = std::exchange(other.fd_, -1);
        }
        return *this;
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() { reset(); }
    int get() const { return fd_; }
    void reset() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

private:
    int fd_ = -1;
};

Result<sockaddr_un> unix_address(const std::filesystem::path& path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    const std::string text = path.string();
    if (text.empty() || text.size() >= sizeof(address.sun_path)) {
        return Error(fmt::format("control socket path {} is empty or longer than {} bytes", text,
                                 sizeof(address.sun_path) - 1));
    }
    std::memcpy(address.sun_path, text.c_str(), text.size() + 1);
    return address;
}

// A socket file nobody accepts on is left over from a process that died; remove it.
Status remove_stale_socket(const std::filesystem::path& path, const sockaddr_un& address) {
    struct stat info {};
    if (::lstat(path.c_str(), &info) != 0) return Ok{};  // nothing there
    if (!S_ISSOCK(info.st_mode)) {
        return Error(fmt::format("{} exists and is not a socket; not replacing it", path.string()));
    }
    const Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (probe.get() >= 0 &&
        ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
        return Error(fmt::format("control socket {} is served by another process", path.string()));
    }
    if (::unlink(path.c_str()) != 0 && errno != ENOENT) {
        return Error(
            fmt::format("cannot remove stale control socket {}: {}", path.string(), std::strerror(errno)));
    }
    return Ok{};
}

bool send_line(int fd, std::string line) {
    line.push_back('\n');
    std::size_t sent = 0;
    while (sent < line.size()) {
        const ssize_t n = ::send(fd, line.data() + sent, line.size() - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        sent += static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace

struct ControlServer::State {
    std::filesystem::path path;
    Handler handler;
    Fd listener;
    Fd wake;  // eventfd: readable once stop() ran
    std::atomic<bool> stopping{false};
    std::thread acceptor;

    std::mutex mutex;
    struct Connection {
        std::thread thread;
        std::atomic<bool> done{false};
    };
    std::list<Connection> connections;
    bool stopped = false;

    void accept_loop();
    void serve(int fd);
    // Handles the complete lines in `buffer`; false when the connection should close.
    bool handle_lines(int fd, std::string& buffer, bool& discarding);
    void reap_finished();
};

void ControlServer::State::accept_loop() {
    while (!stopping) {
        std::array<pollfd, 2> fds{{{listener.get(), POLLIN, 0}, {wake.get(), POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
        if (stopping || (fds[1].revents & POLLIN) != 0) return;
        if ((fds[0].revents & POLLIN) == 0) continue;
        Fd client(::accept4(listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
        if (client.get() < 0) continue;
        const timeval send_timeout{kSendTimeoutSeconds, 0};
        ::setsockopt(client.get(), SOL_SOCKET, SO_SNDTIMEO, &send_timeout, sizeof(send_timeout));
        const std::lock_guard lock(mutex);
        reap_finished();
        if (connections.size() >= static_cast<std::size_t>(kMaxConnections)) {
            send_line(client.get(),
                      err_reply(fmt::format("too many connections (at most {})", kMaxConnections)));
            continue;
        }
        auto& connection = connections.emplace_back();
        connection.thread = std::thread([this, &connection, fd = std::move(client)]() mutable {
            serve(fd.get());
            fd.reset();
            connection.done = true;
        });
    }
}

void ControlServer::State::reap_finished() {
    for (auto it = connections.begin(); it != connections.end();) {
        if (it->done) {
            it->thread.join();
            it = connections.erase(it);
        } else {
            ++it;
        }
    }
}

void ControlServer::State::serve(int fd) {
    std::string buffer;
    bool discarding = false;  // inside an over-long line, until its newline
    std::array<char, 512> chunk{};
    while (!stopping) {
        std::array<pollfd, 2> fds{{{fd, POLLIN, 0}, {wake.get(), POLLIN, 0}}};
        if (::poll(fds.data(), fds.size(), 1000) < 0 && errno != EINTR) return;
        if (stopping || (fds[1].revents & POLLIN) != 0) return;
        if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
        const ssize_t n = ::recv(fd, chunk.data(), chunk.size(), 0);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        buffer.append(chunk.data(), static_cast<std::size_t>(n));
        if (!handle_lines(fd, buffer, discarding)) return;
    }
}

bool ControlServer::State::handle_lines(int fd, std::string& buffer, bool& discarding) {
    while (true) {
        const std::size_t newline = buffer.find('\n');
        if (newline == std::string::npos) {
            if (!discarding && buffer.size() > kMaxLineLength + 1) {  // +1: a CR before the newline
                if (!send_line(fd, err_reply(fmt::format("line longer than {} bytes", kMaxLineLength))))
                    return false;
                discarding = true;
            }
            if (discarding) buffer.clear();
            return true;
        }
        const std::string line = buffer.substr(0, newline);
        buffer.erase(0, newline + 1);
        if (discarding) {  // the tail of a refused line
            discarding = false;
            continue;
        }
        std::string_view trimmed = line;
        if (!trimmed.empty() && trimmed.back() == '\r') trimmed.remove_suffix(1);
        if (trimmed == kQuit) {
            send_line(fd, ok_reply("bye"));
            return false;
        }
        if (!send_line(fd, handler(trimmed, stopping))) return false;
    }
}

ControlServer::ControlServer(std::unique_ptr<State> state) : state_(std::move(state)) {}

ControlServer::~ControlServer() {
    stop();
}

const std::filesystem::path& ControlServer::path() const {
    return state_->path;
}

Result<std::unique_ptr<ControlServer>> ControlServer::start(const std::filesystem::path& path,
                                                            Handler handler) {
    HNBSEC_TRY(const sockaddr_un address, unix_address(path));
    HNBSEC_CHECK(remove_stale_socket(path, address));
    auto state = std::make_unique<State>();
    state->path = path;
    state->handler = std::move(handler);
    state->listener = Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (state->listener.get() < 0)
        return Error(fmt::format("cannot create a Unix socket: {}", std::strerror(errno)));
    if (::bind(state->listener.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        return Error(fmt::format("cannot bind control socket {}: {}", path.string(), std::strerror(errno)));
    }
    // Before listen(): nobody can connect while the file still has the umask's mode.
    if (::chmod(path.c_str(), 0600) != 0 || ::listen(state->listener.get(), 8) != 0) {
        const std::string reason = std::strerror(errno);
        ::unlink(path.c_str());
        return Error(fmt::format("cannot set up control socket {}: {}", path.string(), reason));
    }
    state->wake = Fd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    if (state->wake.get() < 0) {
        ::unlink(path.c_str());
        return Error(fmt::format("cannot create an eventfd: {}", std::strerror(errno)));
    }
    State* raw = state.get();
    state->acceptor = std::thread([raw] { raw->accept_loop(); });
    return std::unique_ptr<ControlServer>(new ControlServer(std::move(state)));
}

void ControlServer::stop() {
    if (!state_) return;
    {
        const std::lock_guard lock(state_->mutex);
        if (state_->stopped) return;
        state_->stopped = true;
    }
    state_->stopping = true;
    const std::uint64_t one = 1;
    if (::write(state_->wake.get(), &one, sizeof(one)) < 0) {
        // The flag alone still ends every loop within its poll timeout.
    }
    if (state_->acceptor.joinable()) state_->acceptor.join();
    std::list<State::Connection> connections;
    {
        const std::lock_guard lock(state_->mutex);
        connections.swap(state_->connections);
    }
    for (auto& connection : connections) {
        if (connection.thread.joinable()) connection.thread.join();
    }
    state_->listener.reset();
    ::unlink(state_->path.c_str());
}

}  // namespace hnbsec::emulator::control
