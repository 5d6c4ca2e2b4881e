// The control server over a real Unix socket, with a handler that echoes, and the client.

#include "emulator/control/control_server.h"

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "emulator/control/control_client.h"
#include "emulator/control/control_command.h"
#include "emulator/tre/test_support.h"

namespace hnbsec::emulator::control {
namespace {

using namespace std::chrono_literals;

// Set while a `block` command is being handled.
std::mutex g_block_mutex;
std::condition_variable g_block_changed;
bool g_blocking = false;

bool wait_until_blocking() {
    std::unique_lock lock(g_block_mutex);
    return g_block_changed.wait_for(lock, 5s, [] { return g_blocking; });
}

// Echoes the line; `block` parks the connection until the server stops.
std::string echo(std::string_view line, const std::atomic<bool>& stopping) {
    if (line == "block") {
        {
            const std::lock_guard lock(g_block_mutex);
            g_blocking = true;
        }
        g_block_changed.notify_all();
        const auto deadline = std::chrono::steady_clock::now() + 10s;
        while (!stopping && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(5ms);
        return err_reply("stopped");
    }
    auto parsed = parse_control_command(line);
    if (!parsed) return err_reply(parsed.error().message());
    return ok_reply(std::string("echo ") + std::string(line));
}

// A raw connection, to send what a well-behaved client never would.
class RawClient {
public:
    explicit RawClient(const std::filesystem::path& path) {
        fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
        connected_ = ::connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
        const timeval timeout{5, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    }
    ~RawClient() { ::close(fd_); }
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    bool connected() const { return connected_; }
    void send(std::string_view bytes) const {
        ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }
    // The next reply line, or "" on EOF/timeout.
    std::string line() {
        while (buffer_.find('\n') == std::string::npos) {
            char chunk[256];
            const ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
            if (n <= 0) return {};
            buffer_.append(chunk, static_cast<std::size_t>(n));
        }
        const auto newline = buffer_.find('\n');
        std::string out = buffer_.substr(0, newline);
        buffer_.erase(0, newline + 1);
        return out;
    }

private:
    int fd_ = -1;
    bool connected_ = false;
    std::string buffer_;
};

class ControlServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        path_ = dir_.path() / "control.sock";
        auto server = ControlServer::start(path_, echo);
        ASSERT_TRUE(server) << server.error().message();
        server_ = std::move(server).value();
    }

    testing::TempDir dir_;
    std::filesystem::path path_;
    std::unique_ptr<ControlServer> server_;
};

TEST_F(ControlServerTest, SocketIsPrivateToItsOwner) {
    struct stat info {};
    ASSERT_EQ(::stat(path_.c_str(), &info), 0);
    EXPECT_TRUE(S_ISSOCK(info.st_mode));
    EXPECT_EQ(info.st_mode & 0777, 0600U);
}

TEST_F(ControlServerTest, ClientGetsTheOkText) {
    const auto reply = control_request(path_, "status", 2s);
    ASSERT_TRUE(reply) << reply.error().message();
    EXPECT_EQ(*reply, "echo status");
}

TEST_F(ControlServerTest, ClientTurnsErrIntoAnError) {
    const auto reply = control_request(path_, "power sideways", 2s);
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().what(), "hnbsec-henb refused 'power sideways': usage: power on|off");
}

TEST_F(ControlServerTest, SeveralCommandsOnOneConnectionAndQuit) {
    RawClient client(path_);
    ASSERT_TRUE(client.connected());
    client.send("status\r\nhpm remove\nquit\nstatus\n");
    EXPECT_EQ(client.line(), "ok echo status");
    EXPECT_EQ(client.line(), "ok echo hpm remove");
    EXPECT_EQ(client.line(), "ok bye");
    EXPECT_EQ(client.line(), "") << "the connection is closed after quit";
}

TEST_F(ControlServerTest, GarbageGetsErrAndTheConnectionSurvives) {
    RawClient client(path_);
    client.send(std::string("\x01\x02\xff\xfe garbage\n", 13));
    EXPECT_EQ(client.line().rfind("err byte 0x01 at offset 0", 0), 0U);
    client.send(std::string(5000, 'x'));
    EXPECT_EQ(client.line(), "err line longer than 1024 bytes");
    client.send(std::string(3000, 'y') + "\nstatus\n");  // the rest of the long line is dropped
    EXPECT_EQ(client.line(), "ok echo status");
    client.send("\n");
    EXPECT_EQ(client.line(), "err empty command");
}

TEST_F(ControlServerTest, ABlockedConnectionDoesNotBlockOthers) {
    {
        const std::lock_guard lock(g_block_mutex);
        g_blocking = false;
    }
    RawClient blocked(path_);
    blocked.send("block\n");
    ASSERT_TRUE(wait_until_blocking());
    const auto started = std::chrono::steady_clock::now();
    const auto reply = control_request(path_, "status", 2s);
    ASSERT_TRUE(reply) << reply.error().message();
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1s);
    server_->stop();  // must end the blocked handler promptly
    EXPECT_EQ(blocked.line(), "err stopped");
}

TEST_F(ControlServerTest, StopRemovesTheSocketFile) {
    server_->stop();
    EXPECT_FALSE(std::filesystem::exists(path_));
    const auto reply = control_request(path_, "status", 1s);
    EXPECT_FALSE(reply);
    server_->stop();  // idempotent
}

TEST_F(ControlServerTest, ReplacesAStaleSocketButNotALiveOne) {
    // Live: the fixture's server still listens.
    auto second = ControlServer::start(path_, echo);
    ASSERT_FALSE(second);
    EXPECT_NE(second.error().message().find("served by another process"), std::string::npos);

    // Stale: a socket file with nobody behind it.
    const auto stale = dir_.path() / "stale.sock";
    {
        const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, stale.c_str(), sizeof(address.sun_path) - 1);
        ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
        ::close(fd);
    }
    auto replaced = ControlServer::start(stale, echo);
    ASSERT_TRUE(replaced) << replaced.error().message();
    EXPECT_TRUE(control_request(stale, "status", 2s));
}

TEST_F(ControlServerTest, RefusesToReplaceARegularFile) {
    const auto file = dir_.write("not-a-socket", "data");
    auto server = ControlServer::start(file, echo);
    ASSERT_FALSE(server);
    EXPECT_TRUE(std::filesystem::exists(file));
}

TEST_F(ControlServerTest, ClientTimesOutOnASilentServer) {
    const auto started = std::chrono::steady_clock::now();
    const auto reply = control_request(path_, "block", 200ms);
    ASSERT_FALSE(reply);
    EXPECT_NE(reply.error().message().find("no reply"), std::string::npos);
    EXPECT_LT(std::chrono::steady_clock::now() - started, 2s);
}

}  // namespace
}  // namespace hnbsec::emulator::control
