#pragma once
// The control channel's server: a Unix stream socket (mode 0600) that reads command lines
// and writes one reply line each. Every connection has its own thread, so a `wait` blocks
// only the connection that sent it. The server owns the transport rules: line length
// (control_command.h), `quit`, a bound on concurrent connections; the handler gives the
// meaning of every other line.

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace hnbsec::emulator::control {

class ControlServer {
public:
    // Returns the reply line (without newline) for one command line. It may block (wait);
    // it must return soon once `stopping` turns true.
    using Handler = std::function<std::string(std::string_view line, const std::atomic<bool>& stopping)>;

    static constexpr int kMaxConnections = 16;

    // Binds `path`, replacing a stale socket file (one nobody listens on); refuses to touch
    // anything else at that path, or a socket another process still serves.
    static Result<std::unique_ptr<ControlServer>> start(const std::filesystem::path& path, Handler handler);

    ~ControlServer();  // stop()
    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Closes the listener and every connection, joins their threads, removes the socket
    // file. Idempotent.
    void stop();

    const std::filesystem::path& path() const;

private:
    struct State;
    explicit ControlServer(std::unique_ptr<State> state);
    std::unique_ptr<State> state_;
};

}  // namespace hnbsec::emulator::control
