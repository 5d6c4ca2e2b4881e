#include "emulator/services/byte_stream.h"

#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>

namespace hnbsec::emulator {
namespace {

std::string errno_text(int error) {
    return std::strerror(error);  // NOLINT(concurrency-mt-unsafe): messages only
}

}  // namespace

Status PlainStream::write_all(std::string_view bytes, Deadline deadline) {
    while (!bytes.empty()) {
        const ssize_t sent = ::send(socket_.get(), bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (sent > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(sent));
            continue;
        }
        if (sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return Error("send: " + errno_text(errno));
        }
        HNBSEC_CHECK(wait_ready(socket_.get(), POLLOUT, deadline, "room to send"));
    }
    return Ok{};
}

Result<std::size_t> PlainStream::read_some(std::span<std::uint8_t> into, Deadline deadline) {
    for (;;) {
        const ssize_t got = ::recv(socket_.get(), into.data(), into.size(), 0);
        if (got >= 0) return static_cast<std::size_t>(got);
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
            return Error("recv: " + errno_text(errno));
        HNBSEC_CHECK(wait_ready(socket_.get(), POLLIN, deadline, "data from the server"));
    }
}

}  // namespace hnbsec::emulator
