#include "harness/roles/segw/segw_service.h"

#include "pcap/keys/sa_key_export.h"

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

}  // namespace

SegwService::SegwService(SegwSetup setup, ServiceOptions options, EventSink sink)
    : setup_(std::move(setup)),
      options_(std::move(options)),
      sink_(std::move(sink)),
      responder_(setup_.config),
      ike_(io_, options_.ike_port),
      natt_(io_, options_.natt_port),
      timer_(io_),
      signals_(io_) {}

Status SegwService::bind() {
    asio::error_code ec;
    local_address_ = asio::ip::make_address(setup_.listen_address, ec);
    if (ec) return Error("SeGW listen address '" + setup_.listen_address + "' is not an IP address");
    for (Listener* listener : {&ike_, &natt_}) {
        const asio::ip::udp::endpoint endpoint(local_address_, listener->port);
        listener->socket.open(endpoint.protocol(), ec);
        if (!ec) listener->socket.bind(endpoint, ec);
        if (ec)
            return Error("cannot listen on UDP " + setup_.listen_address + ":" +
                         std::to_string(listener->port) + ": " + ec.message() +
                         (listener->port < 1024 ? " (ports below 1024 need root)" : ""));
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
    io_.run();
}

void SegwService::stop() {
    asio::post(io_, [this] {
        asio::error_code ignored;
        ike_.socket.close(ignored);
        natt_.socket.close(ignored);
        timer_.cancel();
        signals_.cancel(ignored);
        io_.stop();
    });
}

void SegwService::receive(Listener& listener) {
    listener.socket.async_receive_from(
        asio::buffer(listener.buffer), listener.sender,
        [this, &listener](asio::error_code ec, std::size_t n) {
            if (ec == asio::error::operation_aborted || !listener.socket.is_open()) return;
            if (!ec) {
                ike::Datagram datagram;
                datagram.local = ike::Endpoint{address_bytes(local_address_), listener.port};
                datagram.remote =
                    ike::Endpoint{address_bytes(listener.sender.address()), listener.sender.port()};
                datagram.bytes.assign(listener.buffer.begin(),
                                      listener.buffer.begin() + static_cast<std::ptrdiff_t>(n));
                // The responder never throws: every datagram becomes events and replies.
                deliver(responder_.handle_datagram(datagram, ike::Clock::now()));
            }
            receive(listener);
        });
}

void SegwService::deliver(ike::Output output) {
    for (const auto& datagram : output.datagrams) {
        auto& socket = datagram.local.port == options_.natt_port ? natt_.socket : ike_.socket;
        const asio::ip::udp::endpoint to(to_address(datagram.remote.ip), datagram.remote.port);
        asio::error_code ec;
        socket.send_to(asio::buffer(datagram.bytes), to, 0, ec);
        if (ec)
            sink_(ike::Dropped{"sending to " + ike::to_string(datagram.remote) + " failed: " + ec.message()});
    }
    bool keys_changed = false;
    for (const auto& event : output.events) {
        keys_changed |= std::holds_alternative<ike::IkeSaEstablished>(event) ||
                        std::holds_alternative<ike::ChildSaUp>(event);
        sink_(event);
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
        sink_(ike::Dropped{"key export failed: " + written.error().message()});
}

}  // namespace hnbsec::segw
