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
    segw->thread_ = std::thread([service = segw->service_.get()] { service->run(); });
    return segw;
}

LoopbackSegw::~LoopbackSegw() {
    if (service_) service_->stop();
    if (thread_.joinable()) thread_.join();
    for (const Slot& slot : slots_) {
        if (slot.socket_ike >= 0) ::close(slot.socket_ike);
        if (slot.socket_natt >= 0) ::close(slot.socket_natt);
    }
}

Status LoopbackSegw::add_slots(std::size_t count) {
    while (slots_.size() < count) {
        Slot slot;
        HNBSEC_TRY(slot.socket_ike, client_socket(address_));
        auto natt = client_socket(address_);
        if (!natt.ok()) {
            ::close(slot.socket_ike);
            return std::move(natt).error();
        }
        slot.socket_natt = *natt;
        slots_.push_back(std::move(slot));
    }
    return Ok{};
}

Status LoopbackSegw::handshake(const ike::IkeSaConfig& initiator_config, std::chrono::milliseconds timeout) {
    HNBSEC_TRY(std::size_t done,
               handshakes(
                   initiator_config, 1, [](std::size_t established) { return established < 1; }, timeout));
    if (done != 1) return Error("no handshake completed");
    return Ok{};
}

Result<std::size_t> LoopbackSegw::handshakes(const ike::IkeSaConfig& initiator_config,
                                             std::size_t concurrency,
                                             const std::function<bool(std::size_t)>& more,
                                             std::chrono::milliseconds timeout) {
    HNBSEC_CHECK(add_slots(concurrency));
    // Each initiator believes it talks from <address>:500/4500; its datagrams leave from its
    // slot's matching socket, whose ephemeral port the SeGW sees as a NAT mapping.
    auto ip = ike::ipv4_endpoint(0, 0, 0, 0).ip;
    ::inet_pton(AF_INET, address_.c_str(), ip.data());
    const ike::Endpoint me{ip, ike::kIkePort};
    const ike::Endpoint segw{ip, ike::kIkePort};

    std::string failure;
    auto send = [&](Slot& slot, const ike::Output& out) {
        for (const auto& d : out.datagrams) {
            sockaddr_in to{};
            to.sin_family = AF_INET;
            to.sin_port = htons(d.remote.port);
            std::memcpy(&to.sin_addr, d.remote.ip.data(), 4);
            const int fd = d.local.port == ike::kNatTPort ? slot.socket_natt : slot.socket_ike;
            if (::sendto(fd, d.bytes.data(), d.bytes.size(), 0, reinterpret_cast<const sockaddr*>(&to),
                         sizeof to) < 0)
                failure = "sendto: " + errno_text();
        }
        for (const auto& e : out.events) {
            if (const auto* f = std::get_if<ike::ExchangeFailed>(&e)) failure = f->reason;
        }
    };
    std::size_t established = 0;
    std::size_t started = 0;
    auto start_one = [&](Slot& slot) {
        slot.initiator = std::make_unique<ike::IkeInitiator>(initiator_config, me, segw);
        ++started;
        send(slot, slot.initiator->start(ike::Clock::now()));
    };
    for (std::size_t i = 0; i < concurrency && more(started); ++i) start_one(slots_[i]);

    std::array<std::uint8_t, 65536> buffer{};
    std::vector<pollfd> fds(2 * concurrency);
    while (failure.empty()) {
        std::size_t in_flight = 0;
        for (std::size_t i = 0; i < concurrency; ++i) {
            const bool busy = slots_[i].initiator != nullptr;
            in_flight += busy ? 1 : 0;
            fds[2 * i] = pollfd{busy ? slots_[i].socket_ike : -1, POLLIN, 0};
            fds[2 * i + 1] = pollfd{busy ? slots_[i].socket_natt : -1, POLLIN, 0};
        }
        if (in_flight == 0) break;
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(timeout.count()));
        if (ready == 0)
            return Error("no answer from the SeGW within " + std::to_string(timeout.count()) + " ms");
        if (ready < 0) return Error("poll: " + errno_text());
        for (std::size_t f = 0; f < fds.size() && failure.empty(); ++f) {
            if ((fds[f].revents & POLLIN) == 0) continue;
            Slot& slot = slots_[f / 2];
            const ssize_t n = ::recv(fds[f].fd, buffer.data(), buffer.size(), 0);
            if (n < 0) return Error("recv: " + errno_text());
            const std::uint16_t port = f % 2 == 0 ? ike::kIkePort : ike::kNatTPort;
            ike::Datagram d{ike::Endpoint{me.ip, port}, ike::Endpoint{segw.ip, port},
                            ike::Bytes(buffer.begin(), buffer.begin() + n)};
            send(slot, slot.initiator->handle_datagram(d, ike::Clock::now()));
            const ike::IkeInitiator& ini = *slot.initiator;
            if (!ini.established() || ini.sa().child_sas().empty()) continue;
            if (!ini.sa().child_sas().front().inner_address)
                return Error("handshake established without a CP address");
            ++established;
            slot.initiator.reset();
            if (more(started)) start_one(slot);
        }
    }
    if (!failure.empty()) return Error("handshake failed: " + failure);
    return established;
}

}  // namespace hnbsec::bench
