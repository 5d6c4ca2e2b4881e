#include "harness/bench/loopback_segw.h"

#include <array>
#include <cerrno>
#include <cstring>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace hnbsec::bench {
namespace {

std::string errno_text() {
    return std::strerror(errno);
}

Result<int> client_socket(const std::string& address) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return Error("socket: " + errno_text());
    sockaddr_in local{};
    local.sin_family = AF_INET;
    ::inet_pton(AF_INET, address.c_str(), &local.sin_addr);
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) != 0) {
        const std::string why = errno_text();
        ::close(fd);
        return Error("binding a client socket on " + address + ": " + why);
    }
    return fd;
}

}  // namespace

Result<std::unique_ptr<LoopbackSegw>> LoopbackSegw::start(ike::IkeSaConfig config,
                                                          const std::string& address) {
    std::unique_ptr<LoopbackSegw> segw(new LoopbackSegw());
    segw->address_ = address;
    segw::SegwSetup setup;
    setup.config = std::move(config);
    setup.listen_address = address;
    segw::ServiceOptions options;
    options.stop_on_signal = false;
    // Events are not printed: formatting them would be measured too.
    segw->service_ =
        std::make_unique<segw::SegwService>(std::move(setup), options, [](const segw::SegwEvent&) {});
    if (auto bound = segw->service_->bind(); !bound.ok())
        return Error(bound.error().message() +
                     " (the loopback benchmark binds ports 500 and 4500: run it as root)");
    HNBSEC_TRY(segw->socket_ike_, client_socket(address));
    HNBSEC_TRY(segw->socket_natt_, client_socket(address));
    segw->thread_ = std::thread([service = segw->service_.get()] { service->run(); });
    return segw;
}

LoopbackSegw::~LoopbackSegw() {
    if (service_) service_->stop();
    if (thread_.joinable()) thread_.join();
    if (socket_ike_ >= 0) ::close(socket_ike_);
    if (socket_natt_ >= 0) ::close(socket_natt_);
}

Status LoopbackSegw::handshake(const ike::IkeSaConfig& initiator_config, std::chrono::milliseconds timeout) {
    // The initiator believes it talks from <address>:500/4500; its datagrams leave from the
    // matching client socket, whose ephemeral port the SeGW sees as a NAT mapping.
    auto ip = ike::ipv4_endpoint(0, 0, 0, 0).ip;
    ::inet_pton(AF_INET, address_.c_str(), ip.data());
    const ike::Endpoint me{ip, ike::kIkePort};
    const ike::Endpoint segw{ip, ike::kIkePort};
    ike::IkeInitiator initiator(initiator_config, me, segw);

    std::string failure;
    auto send = [&](const ike::Output& out) {
        for (const auto& d : out.datagrams) {
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(d.remote.port);
            std::memcpy(&to.sin_addr, d.remote.ip.data(), 4);
            const int fd = d.local.port == ike::kNatTPort ? socket_natt_ : socket_ike_;
            if (::sendto(fd, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                         sizeof to) < 0)
                failure = "sendto: " + errno_text();
        }
        for (const auto& e : out.events) {
            if (const auto* f = std::get_if<ike::ExchangeFailed>(&e)) failure = f->reason;
        }
    };
    send(initiator.start(ike::Clock::now()));
    std::array<std::uint8_t, 65536> buffer{};
    while (failure.empty() && !(initiator.established() && !initiator.sa().child_sas().empty())) {
        std::array<pollfd, 2> fds{pollfd{socket_ike_, POLLIN, 0}, pollfd{socket_natt_, POLLIN, 0}};
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
        if (ready == 0)
            return Error("no answer from the SeGW within " + std::to_string(timeout.count()) + " ms");
        if (ready < 0) return Error("poll: " + errno_text());
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if ((fds[i].revents & POLLIN) == 0) continue;
            const ssize_t n = ::recv(fds[i].fd, buffer.data(), buffer.size(), 0);
            if (n < 0) return Error("recv: " + errno_text());
            const std::uint16_t port = i == 0 ? ike::kIkePort : ike::kNatTPort;
            ike::Datagram d{ike::Endpoint{me.ip, port}, ike::Endpoint{segw.ip, port},
                            ike::Bytes(buffer.begin(), buffer.begin() + n)};
            send(initiator.handle_datagram(d, ike::Clock::now()));
        }
    }
    if (!failure.empty()) return Error("handshake failed: " + failure);
    if (!initiator.sa().child_sas().front().inner_address)
        return Error("handshake established without a CP address");
    return Ok{};
}

}  // namespace hnbsec::bench
