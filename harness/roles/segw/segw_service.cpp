#include "harness/roles/segw/segw_service.h"

#include "pcap/keys/sa_key_export.h"
#include "proto/esp/udp_encap.h"

namespace hnbsec::segw {

namespace {

ike::Bytes address_bytes(const asio::ip::address& address) {
    if (address.is_v4()) {
        const auto b = address.to_v4().to_bytes();
        return ike::Bytes(b.begin(), b.end());
    }
    const auto b = address.to_v6().to_bytes();
    return ike::Bytes(b.begin(), b.end());
}

asio::ip::address to_address(const ike::Bytes& bytes) {
    if (bytes.size() == 4) {
        asio::ip::address_v4::bytes_type b{};
        std::copy(bytes.begin(), bytes.end(), b.begin());
        return asio::ip::address_v4(b);
    }
    asio::ip::address_v6::bytes_type b{};
    std::copy(bytes.begin(), bytes.begin() + std::min<std::size_t>(bytes.size(), 16), b.begin());
    return asio::ip::address_v6(b);
}

// Events after which the tunnel's SAs may differ from the responder's Child SAs.
bool changes_child_sas(const ike::Event& event) {
    return std::holds_alternative<ike::ChildSaUp>(event) || std::holds_alternative<ike::Deleted>(event) ||
           std::holds_alternative<ike::IkeSaRekeyed>(event) ||
           std::holds_alternative<ike::ExchangeFailed>(event);
}

constexpr std::chrono::seconds kLifetimeCheckInterval{1};

}  // namespace

std::string to_string(const SegwEvent& event) {
    if (const auto* ike_event = std::get_if<ike::Event>(&event)) return ike::to_string(*ike_event);
    if (const auto* ocsp = std::get_if<OcspOutcome>(&event)) return "DeviceRevocation " + to_string(*ocsp);
    return to_string(std::get<TunnelEvent>(event));
}

SegwService::SegwService(SegwSetup setup, ServiceOptions options, EventSink sink)
    : setup_(std::move(setup)),
      options_(std::move(options)),
      sink_(std::move(sink)),
      responder_(setup_.config),
      ike_(io_, options_.ike_port),
      natt_(io_, options_.natt_port),
      timer_(io_),
      lifetime_timer_(io_),
      signals_(io_),
      tunnel_(options_.esp) {
    // The checker runs inside the validator, on this service's thread: its outcomes join
    // the event stream in order, just before the AuthResult they decide.
    if (setup_.device_ocsp) setup_.device_ocsp->set_observer([this](const OcspOutcome& o) { sink_(o); });
}

SegwService::~SegwService() {
    if (setup_.device_ocsp) setup_.device_ocsp->set_observer(nullptr);
}

Status SegwService::open_listener(Listener& listener, std::optional<int> fd) {
    asio::error_code ec;
    const asio::ip::udp protocol = local_address_.is_v4() ? asio::ip::udp::v4() : asio::ip::udp::v6();
    if (fd) {
        listener.socket.assign(protocol, *fd, ec);
        if (ec) return Error("cannot take over the SeGW's UDP socket: " + ec.message());
    } else {
        const asio::ip::udp::endpoint endpoint(local_address_, listener.port);
        listener.socket.open(protocol, ec);
        if (!ec) listener.socket.bind(endpoint, ec);
        if (ec)
            return Error("cannot listen on UDP " + setup_.listen_address + ":" +
                         std::to_string(listener.port) + ": " + ec.message() +
                         (listener.port < 1024 ? " (ports below 1024 need root)" : ""));
    }
    listener.port = listener.socket.local_endpoint(ec).port();  // the real one, also for port 0
    if (ec) return Error("cannot read the SeGW socket's address: " + ec.message());
    return Ok{};
}

Status SegwService::bind() {
    asio::error_code ec;
    local_address_ = asio::ip::make_address(setup_.listen_address, ec);
    if (ec) return Error("SeGW listen address '" + setup_.listen_address + "' is not an IP address");
    HNBSEC_CHECK(open_listener(ike_, options_.ike_socket_fd));
    HNBSEC_CHECK(open_listener(natt_, options_.natt_socket_fd));
    if (options_.tun_fd) {
        tun_.emplace(io_);
        tun_->assign(*options_.tun_fd, ec);
        if (ec) return Error("cannot take over the core network's TUN device: " + ec.message());
    }
    return Ok{};
}

void SegwService::run() {
    if (options_.stop_on_signal) {
        asio::error_code ignored;
        signals_.add(SIGINT, ignored);
        signals_.add(SIGTERM, ignored);
        signals_.async_wait([this](const asio::error_code& ec, int) {
            if (!ec) stop();
        });
    }
    receive(ike_);
    receive(natt_);
    if (tun_) read_tun();
    arm_lifetime_timer();
    io_.run();
}

void SegwService::for_each_established(std::function<ike::Output(ike::IkeSa&, ike::TimePoint)> act) {
    asio::post(io_, [this, act = std::move(act)] {
        const ike::TimePoint now = ike::Clock::now();
        std::vector<std::uint64_t> established;
        for (const ike::IkeSa* sa : responder_.sas()) {
            if (sa->state() == ike::SaState::kEstablished) established.push_back(sa->spi_local());
        }
        for (const auto spi : established) {
            if (ike::IkeSa* sa = responder_.find(spi)) deliver(act(*sa, now));
        }
    });
}

void SegwService::check_liveness() {
    for_each_established([](ike::IkeSa& sa, ike::TimePoint now) { return sa.send_liveness_check(now); });
}

void SegwService::delete_ike_sas() {
    for_each_established([](ike::IkeSa& sa, ike::TimePoint now) { return sa.delete_ike_sa(now); });
}

void SegwService::stop() {
    asio::post(io_, [this] {
        asio::error_code ignored;
        ike_.socket.close(ignored);
        natt_.socket.close(ignored);
        if (tun_) tun_->close(ignored);
        timer_.cancel();
        lifetime_timer_.cancel();
        signals_.cancel(ignored);
        io_.stop();
    });
}

void SegwService::receive(Listener& listener) {
    listener.socket.async_receive_from(
        asio::buffer(listener.buffer), listener.sender,
        [this, &listener](asio::error_code ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || !listener.socket.is_open()) return;
            if (!ec) on_datagram(listener, n);
            receive(listener);
        });
}

void SegwService::on_datagram(Listener& listener, std::size_t size) {
    const ike::Endpoint remote{address_bytes(listener.sender.address()), listener.sender.port()};
    const esp::ByteSpan payload(listener.buffer.data(), size);
    const ike::TimePoint now = ike::Clock::now();
    // RFC 3948 §2: on the NAT-T port a non-zero first word is an ESP SPI.
    if (&listener == &natt_ && esp::classify_udp4500(payload).kind == esp::Udp4500Kind::kEsp) {
        auto inbound = tunnel_.from_device(payload, remote, now);
        if (inbound.inner && tun_) {
            asio::error_code ec;
            tun_->write_some(asio::buffer(*inbound.inner), ec);
            if (ec) inbound.event.reason = "writing to the core network failed: " + ec.message();
        } else if (inbound.inner) {
            inbound.event.reason = "no core network (TUN) configured: inner packet discarded";
        }
        sink_(inbound.event);
        return;
    }
    ike::Datagram datagram;
    datagram.local = ike::Endpoint{address_bytes(local_address_), listener.port};
    datagram.remote = remote;
    datagram.bytes.assign(payload.begin(), payload.end());
    // The responder never throws: every datagram becomes events and replies.
    deliver(responder_.handle_datagram(datagram, now));
}

void SegwService::read_tun() {
    tun_->async_read_some(asio::buffer(tun_buffer_), [this](asio::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || !tun_->is_open()) return;
        if (!ec) {
            auto outbound = tunnel_.to_device(esp::ByteSpan(tun_buffer_.data(), n), ike::Clock::now());
            if (outbound.esp_packet) {
                const asio::ip::udp::endpoint to(to_address(outbound.event.peer.ip),
                                                 outbound.event.peer.port);
                asio::error_code send_ec;
                natt_.socket.send_to(asio::buffer(*outbound.esp_packet), to, 0, send_ec);
                if (send_ec) {
                    outbound.event.outcome = "send failed";
                    outbound.event.reason = send_ec.message();
                }
                if (options_.replay_to_device && !send_ec) {
                    sink_(outbound.event);
                    natt_.socket.send_to(asio::buffer(*outbound.esp_packet), to, 0, send_ec);
                    outbound.event.outcome = send_ec ? "send failed" : "replayed (knob)";
                    outbound.event.reason = send_ec ? send_ec.message() : "";
                }
            }
            sink_(outbound.event);
        } else {
            sink_(TunnelEvent{TunnelEvent::Direction::kToDevice, 0, 0, "read failed", "", ec.message(), {}});
        }
        read_tun();
    });
}

void SegwService::arm_lifetime_timer() {
    lifetime_timer_.expires_after(kLifetimeCheckInterval);
    lifetime_timer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        const ike::TimePoint now = ike::Clock::now();
        // RFC 4301 §4.4.2.1: past its soft lifetime a Child SA is rekeyed through IKE.
        for (const RekeyDue& due : tunnel_.rekeys_due(now)) {
            if (ike::IkeSa* sa = responder_.find(due.ike_spi)) deliver(sa->create_child_sa(now, due.spi_in));
        }
        arm_lifetime_timer();
    });
}

void SegwService::deliver(ike::Output output) {
    for (const auto& datagram : output.datagrams) {
        auto& socket = datagram.local.port == natt_.port ? natt_.socket : ike_.socket;
        const asio::ip::udp::endpoint to(to_address(datagram.remote.ip), datagram.remote.port);
        asio::error_code ec;
        socket.send_to(asio::buffer(datagram.bytes), to, 0, ec);
        if (ec)
            sink_(ike::Event{
                ike::Dropped{"sending to " + ike::to_string(datagram.remote) + " failed: " + ec.message()}});
    }
    bool keys_changed = false;
    bool children_changed = false;
    for (auto& event : output.events) {
        keys_changed |= std::holds_alternative<ike::IkeSaEstablished>(event) ||
                        std::holds_alternative<ike::ChildSaUp>(event);
        children_changed |= changes_child_sas(event);
        sink_(std::move(event));
    }
    if (children_changed) {
        // Only the SAs this datagram or timer acted on: the rest cannot have changed.
        const ike::TimePoint now = ike::Clock::now();
        for (std::uint64_t spi : responder_.touched()) {
            for (auto& problem : tunnel_.sync(spi, responder_.peek(spi), now)) sink_(std::move(problem));
        }
    }
    if (keys_changed && options_.keys_dir) export_keys();
    arm_timer();
}

void SegwService::arm_timer() {
    const auto deadline = responder_.next_deadline();
    if (!deadline) return;
    timer_.expires_at(*deadline);
    timer_.async_wait([this](const asio::error_code& ec) {
        if (ec) return;
        deliver(responder_.on_timer(ike::Clock::now()));
    });
}

void SegwService::export_keys() {
    if (auto written = pcap::export_wireshark_keys(responder_.sas(), *options_.keys_dir); !written.ok())
        sink_(ike::Event{ike::Dropped{"key export failed: " + written.error().message()}});
}

}  // namespace hnbsec::segw
