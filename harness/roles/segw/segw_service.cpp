#include "harness/roles/segw/segw_service.h"

#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "pcap/keys/wireshark_uat.h"

namespace hnbsec::segw {
namespace fs = std::filesystem;

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

std::string text_of(const ike::Bytes& ip) {
    return to_address(ip).to_string();
}

// Writes `text` to `path` readable by its owner only: the file holds session keys.
Status write_secret_file(const fs::path& path, const std::string& text) {
    const fs::path temporary = path.string() + ".tmp";
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return Error("cannot write " + temporary.string() + ": " + std::strerror(errno));
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    if (::close(fd) != 0 || !written) return Error("cannot write " + temporary.string());
    std::error_code ec;
    fs::rename(temporary, path, ec);
    if (ec) return Error("cannot replace " + path.string() + ": " + ec.message());
    return Ok{};
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
    std::vector<pcap::IkeSaSecrets> ike_sas;
    std::vector<pcap::EspSaSecrets> esp_sas;
    for (ike::IkeSa* sa : responder_.sas()) {
        const auto exported = sa->key_export();
        if (!exported) continue;
        pcap::IkeSaSecrets s;
        for (int i = 0; i < 8; ++i) {
            s.spi_i[i] = static_cast<std::uint8_t>(exported->spi_i >> (56 - 8 * i));
            s.spi_r[i] = static_cast<std::uint8_t>(exported->spi_r >> (56 - 8 * i));
        }
        s.encr = exported->suite.encr;
        s.encr_key_bits = exported->suite.encr_key_bits;
        s.integ = exported->suite.integ;
        s.sk_ei = exported->keys.sk_ei;
        s.sk_er = exported->keys.sk_er;
        s.sk_ai = exported->keys.sk_ai;
        s.sk_ar = exported->keys.sk_ar;
        ike_sas.push_back(std::move(s));
        const std::string us = text_of(sa->local().ip), peer = text_of(sa->remote().ip);
        for (const ike::ChildSa& child : sa->child_sas()) {
            const bool v6 = sa->local().ip.size() == 16;
            esp_sas.push_back({v6, peer, us, child.spi_in, child.suite.encr, child.suite.encr_key_bits,
                               child.suite.integ, child.encr_in(), child.integ_in()});
            esp_sas.push_back({v6, us, peer, child.spi_out, child.suite.encr, child.suite.encr_key_bits,
                               child.suite.integ, child.encr_out(), child.integ_out()});
        }
    }
    auto ike_table = pcap::ikev2_decryption_table(ike_sas);
    auto esp_table = pcap::esp_sa_table(esp_sas);
    std::error_code ec;
    fs::create_directories(*options_.keys_dir, ec);
    Status written = !ike_table.ok() ? Status(ike_table.error())
                     : !esp_table.ok()
                         ? Status(esp_table.error())
                         : write_secret_file(*options_.keys_dir / "ikev2_decryption_table", *ike_table);
    if (written.ok() && esp_table.ok())
        written = write_secret_file(*options_.keys_dir / "esp_sa", *esp_table);
    if (!written.ok()) sink_(ike::Dropped{"key export failed: " + written.error().message()});
}

}  // namespace hnbsec::segw
