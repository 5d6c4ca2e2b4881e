// query_time: one request, one reply, over a connected UDP socket. connect() makes the
// kernel drop datagrams from any other source, so only the server's answer is evaluated.

#include "emulator/services/time_client.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <poll.h>
#include <sys/socket.h>

#include "emulator/services/client_socket.h"
#include "emulator/services/ntp_exchange.h"

namespace hnbsec::emulator {
namespace {

ntp::SystemTime now() {
    return std::chrono::time_point_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now());
}

std::string errno_text() {
    return std::strerror(errno);  // NOLINT(concurrency-mt-unsafe): messages only
}

Result<TimeSample> exchange(const TimeQuery& query, Deadline deadline) {
    HNBSEC_TRY(const SocketAddress server, resolve_address(query.server, query.port));
    HNBSEC_TRY(const SocketFd socket,
               open_client_socket(SOCK_DGRAM, server, {query.bind_address, query.bind_device}));
    if (::connect(socket.get(), reinterpret_cast<const sockaddr*>(&server.storage), server.length) != 0) {
        return Error("connect to " + address_text(server) + ": " + errno_text());
    }

    const ntp::Packet request = make_time_request(now());
    HNBSEC_TRY(const ntp::Bytes bytes, ntp::encode_packet(request));
    if (::send(socket.get(), bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) {
        return Error("send to " + address_text(server) + ": " + errno_text());
    }

    std::array<std::uint8_t, 1024> reply{};
    for (;;) {
        HNBSEC_CHECK(
            wait_ready(socket.get(), POLLIN, deadline, "the NTP reply from " + address_text(server)));
        const ssize_t got = ::recv(socket.get(), reply.data(), reply.size(), 0);
        const ntp::SystemTime received = now();
        if (got >= 0) {
            return evaluate_time_reply(std::span(reply.data(), static_cast<std::size_t>(got)), request,
                                       received, query.check_origin);
        }
        // ICMP port unreachable surfaces here as ECONNREFUSED: no server listens.
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            return Error("receive from " + address_text(server) + ": " + errno_text());
        }
    }
}

}  // namespace

Result<TimeSample> query_time(const TimeQuery& query) {
    const Deadline deadline = std::chrono::steady_clock::now() + query.timeout;
    auto sample = exchange(query, deadline);
    if (!sample.ok()) {
        return std::move(sample).error().context("querying NTP server " + query.server + " port " +
                                                 std::to_string(query.port));
    }
    return sample;
}

}  // namespace hnbsec::emulator
