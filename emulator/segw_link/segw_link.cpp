// SegwLink on one asio thread: the IKE initiator on UDP 500/4500 of the backhaul address,
// the SeGW check as its peer validator, the ESP data plane between UDP 4500 and the TUN
// device. Public methods hand work to that thread and wait on a condition variable.

#include "emulator/segw_link/segw_link.h"

#include <array>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

#include <asio.hpp>
#include <fmt/format.h>

#include "emulator/segw_link/esp_tunnel.h"
#include "emulator/segw_link/ike_profile.h"
#include "emulator/segw_link/inner_interface.h"
#include "emulator/segw_link/segw_certificate_check.h"
#include "proto/esp/udp_encap.h"
#include "proto/ike/sa/initiator.h"

namespace hnbsec::emulator {
namespace {

constexpr auto kDeleteAnswerWait = std::chrono::seconds(2);

ike::Bytes address_bytes(const asio::ip::address& address) {
    if (address.is_v4()) {
        const auto b = address.to_v4().to_bytes();
        return {b.begin(), b.end()};
    }
    const auto b = address.to_v6().to_bytes();
    return {b.begin(), b.end()};
}

asio::ip::address address_of(const ike::Bytes& ip) {
    if (ip.size() == 4) {
        asio::ip::address_v4::bytes_type b{};
        std::copy(ip.begin(), ip.end(), b.begin());
        return asio::ip::address_v4(b);
    }
    asio::ip::address_v6::bytes_type b{};
    std::copy_n(ip.begin(), std::min<std::size_t>(ip.size(), b.size()), b.begin());
    return asio::ip::address_v6(b);
}

enum class Phase : std::uint8_t { kConnecting, kUp, kFailed, kDown };

class Link final : public SegwLink {
public:
    explicit Link(SegwLinkParams params)
        : p_(std::move(params)),
          ike_socket_(io_),
          natt_socket_(io_),
          tun_(io_),
          retransmit_timer_(io_),
          attempt_timer_(io_),
          work_(asio::make_work_guard(io_)) {}

    ~Link() override {
        if (thread_.joinable()) close(false);
        work_.reset();
        io_.stop();
        if (thread_.joinable()) thread_.join();
    }
    Link(const Link&) = delete;
    Link& operator=(const Link&) = delete;

    Status init();
    void run() {
        thread_ = std::thread([this] { io_.run(); });
        asio::post(io_, [this] {
            log("ike", fmt::format("IKE_SA_INIT to {} as {}", ike::to_string(initiator_->sa().remote()),
                                   std::string(identity_.begin(), identity_.end())));
            attempt_timer_.expires_after(p_.config->segw.ike_timeout);
            attempt_timer_.async_wait([this](const asio::error_code& ec) {
                if (!ec && phase() == Phase::kConnecting)
                    finish(Phase::kFailed, fmt::format("no tunnel within {} ms (IKE SA {}){}",
                                                       p_.config->segw.ike_timeout.count(),
                                                       ike::state_name(initiator_->sa().state()),
                                                       failure_.empty() ? "" : ": " + failure_));
            });
            receive(ike_socket_, ike_buffer_, ike_sender_, ike::kIkePort);
            receive(natt_socket_, natt_buffer_, natt_sender_, ike::kNatTPort);
            deliver(initiator_->start(ike::Clock::now()));
        });
    }

    Result<TunnelInfo> wait_up(std::chrono::milliseconds timeout) override {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, timeout, [&] { return phase_ != Phase::kConnecting; }))
            return Error("the link is not up after " + std::to_string(timeout.count()) + " ms");
        if (phase_ == Phase::kUp) return info_;
        return Error(reason_);
    }

    Result<std::string> wait_down(std::chrono::milliseconds timeout) override {
        std::unique_lock lock(mutex_);
        if (!cv_.wait_for(lock, timeout, [&] { return phase_ == Phase::kFailed || phase_ == Phase::kDown; }))
            return Error("the link is still " + std::string(phase_ == Phase::kUp ? "up" : "connecting") +
                         " after " + std::to_string(timeout.count()) + " ms");
        return reason_;
    }

    bool up() const override {
        std::lock_guard lock(mutex_);
        return phase_ == Phase::kUp;
    }

    void close(bool send_delete) override {
        if (ended()) return;
        asio::post(io_, [this, send_delete] {
            if (send_delete && initiator_->established()) {
                closing_ = true;
                log("ike", "deleting the IKE SA");
                deliver(initiator_->sa().delete_ike_sa(ike::Clock::now()));
            } else {
                finish(Phase::kDown, "closed by the device");
            }
        });
        std::unique_lock lock(mutex_);
        if (cv_.wait_for(lock, kDeleteAnswerWait + std::chrono::milliseconds(200),
                         [&] { return ended_locked(); }))
            return;
        lock.unlock();
        asio::post(io_, [this] { finish(Phase::kDown, "closed by the device (DELETE unanswered)"); });
        lock.lock();
        cv_.wait_for(lock, std::chrono::seconds(2), [&] { return ended_locked(); });
    }

private:
    Phase phase() const {
        std::lock_guard lock(mutex_);
        return phase_;
    }
    bool ended_locked() const { return phase_ == Phase::kFailed || phase_ == Phase::kDown; }
    bool ended() const {
        std::lock_guard lock(mutex_);
        return ended_locked();
    }
    void log(std::string_view step, const std::string& text) {
        if (p_.log != nullptr) p_.log->line(step, text);
    }

    Result<ike::ossl::PkeyPtr> validate(const std::vector<ike::Bytes>& chain, const ike::Id& idr);
    void receive(asio::ip::udp::socket& socket, std::array<std::uint8_t, 65536>& buffer,
                 asio::ip::udp::endpoint& sender, std::uint16_t port);
    void on_datagram(std::uint16_t port, const asio::ip::udp::endpoint& sender, const std::uint8_t* data,
                     std::size_t size);
    void deliver(ike::Output output);
    void on_event(const ike::Event& event);
    void bring_tunnel_up(const ike::ChildSa& child);
    void read_tun();
    void arm_retransmit_timer();
    void finish(Phase phase, const std::string& reason);

    SegwLinkParams p_;
    ike::Bytes identity_;
    std::vector<Der> trust_anchors_;
    asio::ip::address local_;
    asio::io_context io_;
    asio::ip::udp::socket ike_socket_;
    asio::ip::udp::socket natt_socket_;
    asio::posix::stream_descriptor tun_;
    asio::steady_timer retransmit_timer_;
    asio::steady_timer attempt_timer_;
    asio::executor_work_guard<asio::io_context::executor_type> work_;
    std::array<std::uint8_t, 65536> ike_buffer_{};
    std::array<std::uint8_t, 65536> natt_buffer_{};
    std::array<std::uint8_t, 65536> tun_buffer_{};
    asio::ip::udp::endpoint ike_sender_;
    asio::ip::udp::endpoint natt_sender_;
    std::unique_ptr<ike::IkeInitiator> initiator_;
    EspTunnel esp_;
    bool tunnel_up_ = false;
    bool closing_ = false;
    std::string failure_;  // the last problem reported by the IKE layer
    std::string lost_;     // why an established link went down
    std::thread thread_;

    mutable std::mutex mutex_;
    std::condition_variable cv_;
    Phase phase_ = Phase::kConnecting;
    std::string reason_;
    TunnelInfo info_;
};

Status Link::init() {
    const HenbConfig& config = *p_.config;
    HNBSEC_TRY(trust_anchors_, read_pem_certificates(config.certificates.trust_anchors));
    IkeProfileInputs inputs;
    inputs.config = p_.config;
    inputs.defects = p_.defects;
    inputs.device_key = p_.device_key;
    inputs.device_chain = p_.device_chain;
    inputs.trust_anchors = trust_anchors_;
    for (const auto& path : config.segw.ocsp_responders) {
        HNBSEC_TRY(std::vector<Der> certs, read_pem_certificates(path));
        inputs.ocsp_responders.push_back(certs.front());
    }
    HNBSEC_TRY(ike::IkeSaConfig ike_config, make_ike_config(inputs));
    identity_ = ike_config.local_id.data;
    ike_config.validator = [this](const std::vector<ike::Bytes>& chain, const ike::Id& idr) {
        return validate(chain, idr);
    };

    asio::error_code ec;
    local_ = asio::ip::make_address(config.backhaul.address, ec);
    if (ec) return Error("[backhaul] address '" + config.backhaul.address + "' is not an IP address");
    const auto remote = asio::ip::make_address(config.segw.address, ec);
    if (ec) return Error("[segw] address '" + config.segw.address + "' is not an IP address");
    for (auto [socket, port] :
         {std::pair{&ike_socket_, ike::kIkePort}, std::pair{&natt_socket_, ike::kNatTPort}}) {
        const asio::ip::udp::endpoint endpoint(local_, port);
        socket->open(endpoint.protocol(), ec);
        if (!ec) socket->set_option(asio::socket_base::reuse_address(true), ec);
        if (!ec) socket->bind(endpoint, ec);
        if (ec)
            return Error(fmt::format("cannot bind UDP {}:{}: {}", local_.to_string(), port, ec.message()));
    }
    initiator_ = std::make_unique<ike::IkeInitiator>(std::move(ike_config),
                                                     ike::Endpoint{address_bytes(local_), ike::kIkePort},
                                                     ike::Endpoint{address_bytes(remote), config.segw.port});
    return Ok{};
}

// Runs inside IkeSa's IKE_AUTH response handling, where the staple is already kept.
Result<ike::ossl::PkeyPtr> Link::validate(const std::vector<ike::Bytes>& chain, const ike::Id& idr) {
    const HenbConfig& config = *p_.config;
    const DefectSet& d = *p_.defects;
    SegwCheckPolicy policy;
    policy.trust_anchors = trust_anchors_;
    policy.segw_fqdn = config.segw.fqdn;
    policy.now = p_.device_clock ? p_.device_clock() : std::time(nullptr);
    policy.ocsp_requested = config.segw.ocsp_request && !d.has(Defect::kNoOcspCertreq);
    policy.ocsp_required = config.segw.ocsp_required;
    policy.accept_untrusted = d.has(Defect::kAcceptUntrustedSegwCert);
    policy.accept_expired = d.has(Defect::kAcceptExpiredSegwCert);
    policy.skip_identity = d.has(Defect::kSkipSegwIdentityCheck);
    policy.ignore_ocsp_revoked = d.has(Defect::kIgnoreOcspRevoked);
    policy.accept_unverified_ocsp = d.has(Defect::kAcceptUnverifiedOcsp);
    auto checked = check_segw(chain, idr, initiator_->sa().peer_ocsp_staple(), policy);
    if (!checked.ok()) {
        log("ike", "SeGW certificate refused: " + checked.error().message());
        return std::move(checked).error();
    }
    log("ike", "SeGW certificate accepted: " + checked->subject + ", " + checked->revocation);
    return std::move(checked->public_key);
}

void Link::receive(asio::ip::udp::socket& socket, std::array<std::uint8_t, 65536>& buffer,
                   asio::ip::udp::endpoint& sender, std::uint16_t port) {
    socket.async_receive_from(asio::buffer(buffer), sender,
                              [this, &socket, &buffer, &sender, port](asio::error_code ec, std::size_t n) {
                                  if (ec == asio::error::operation_aborted || !socket.is_open()) return;
                                  if (!ec) on_datagram(port, sender, buffer.data(), n);
                                  if (socket.is_open()) receive(socket, buffer, sender, port);
                              });
}

void Link::on_datagram(std::uint16_t port, const asio::ip::udp::endpoint& sender, const std::uint8_t* data,
                       std::size_t size) {
    const auto now = ike::Clock::now();
    if (port == ike::kNatTPort) {
        const esp::Udp4500Payload kind = esp::classify_udp4500(esp::ByteSpan(data, size));
        if (kind.kind == esp::Udp4500Kind::kEsp) {
            const bool replay_check = !p_.defects->has(Defect::kNoEspReplayCheck);
            esp::InboundResult opened = esp_.open(kind.packet, now, replay_check);
            if (!opened.accepted()) {
                log("tunnel", fmt::format("ESP from {} dropped: {} ({})", sender.address().to_string(),
                                          esp::inbound_outcome_name(opened.outcome), opened.reason));
                return;
            }
            if (tun_.is_open()) {
                asio::error_code ec;
                tun_.write_some(asio::buffer(opened.inner), ec);
                if (ec)
                    log("tunnel", "writing to " + p_.config->tunnel.interface + " failed: " + ec.message());
            }
            return;
        }
    }
    ike::Datagram datagram;
    datagram.local = ike::Endpoint{address_bytes(local_), port};
    datagram.remote = ike::Endpoint{address_bytes(sender.address()), sender.port()};
    datagram.bytes.assign(data, data + size);
    deliver(initiator_->handle_datagram(datagram, now));
}

void Link::deliver(ike::Output output) {
    if (ended()) return;
    for (const auto& datagram : output.datagrams) {
        auto& socket = datagram.local.port == ike::kNatTPort ? natt_socket_ : ike_socket_;
        asio::error_code ec;
        socket.send_to(asio::buffer(datagram.bytes), {address_of(datagram.remote.ip), datagram.remote.port},
                       0, ec);
        if (ec) log("ike", "sending to " + ike::to_string(datagram.remote) + " failed: " + ec.message());
    }
    std::optional<ike::ChildSa> first_child;
    for (const auto& event : output.events) {
        on_event(event);
        if (const auto* up = std::get_if<ike::ChildSaUp>(&event);
            up != nullptr && !tunnel_up_ && !first_child)
            first_child = up->child;
    }
    const ike::IkeSa& sa = initiator_->sa();
    const ike::SaState state = sa.state();
    if (state == ike::SaState::kEstablished || state == ike::SaState::kDeleting) {
        for (const auto& line : esp_.sync(sa.child_sas(), ike::Clock::now())) log("tunnel", line);
    }
    if (first_child) bring_tunnel_up(*first_child);
    if (ended()) return;

    if (state == ike::SaState::kFailed || state == ike::SaState::kClosed) {
        if (closing_ && !tunnel_up_ && !failure_.empty())  // our DELETE after a failed IKE_AUTH
            return finish(Phase::kFailed, failure_ + " (IKE SA deleted)");
        if (closing_) return finish(Phase::kDown, "closed by the device (DELETE answered)");
        if (tunnel_up_)
            return finish(Phase::kDown, lost_.empty() ? "IKE SA " + ike::state_name(state) : lost_);
        return finish(Phase::kFailed, failure_.empty() ? "IKE SA " + ike::state_name(state) : failure_);
    }
    if (!tunnel_up_ && initiator_->established() && !closing_) {
        // IKE_AUTH authenticated both ends but created no Child SA: nothing to carry traffic.
        const std::string why =
            "IKE SA established without a CHILD SA" + (failure_.empty() ? "" : ": " + failure_);
        log("ike", why + "; deleting the IKE SA");
        closing_ = true;
        failure_ = why;
        deliver(initiator_->sa().delete_ike_sa(ike::Clock::now()));
        return;
    }
    arm_retransmit_timer();
}

void Link::on_event(const ike::Event& event) {
    if (const auto* sent = std::get_if<ike::MessageSent>(&event)) {
        if (sent->is_request && (sent->exchange == ike::ExchangeType::kIkeSaInit ||
                                 sent->exchange == ike::ExchangeType::kIkeAuth))
            log("ike",
                fmt::format("{} {}sent to {}{}", ike::exchange_type_name(sent->exchange),
                            sent->retransmission ? "re" : "", ike::to_string(sent->remote),
                            sent->fragments > 1 ? fmt::format(" in {} fragments", sent->fragments) : ""));
    } else if (const auto* auth = std::get_if<ike::AuthResult>(&event)) {
        if (!auth->ok) failure_ = "SeGW authentication failed: " + auth->reason;
    } else if (const auto* est = std::get_if<ike::IkeSaEstablished>(&event)) {
        log("ike", fmt::format("IKE SA established, SPIs {:016x}/{:016x}, {}{}", est->spi_i, est->spi_r,
                               ike::to_string(est->suite), est->udp_encapsulated ? ", UDP 4500" : ""));
    } else if (const auto* up = std::get_if<ike::ChildSaUp>(&event)) {
        log("ike",
            fmt::format("CHILD SA up, SPIs in {:08x} out {:08x}, {}", up->child.spi_in, up->child.spi_out,
                        ike::to_string(up->child.suite, ike::ProposalProtocol::kEsp)));
    } else if (const auto* rekeyed = std::get_if<ike::IkeSaRekeyed>(&event)) {
        log("ike",
            fmt::format("IKE SA rekeyed, new SPIs {:016x}/{:016x}", rekeyed->new_spi_i, rekeyed->new_spi_r));
    } else if (const auto* deleted = std::get_if<ike::Deleted>(&event)) {
        if (deleted->which == ike::Deleted::Which::kIkeSa) {
            log("ike", deleted->by_peer ? "the SeGW deleted the IKE SA" : "IKE SA deleted");
            if (deleted->by_peer) lost_ = "the SeGW deleted the IKE SA";
        } else {
            log("ike", fmt::format("CHILD SA deleted{} ({} SPI(s))", deleted->by_peer ? " by the SeGW" : "",
                                   deleted->child_spis.size()));
        }
    } else if (const auto* notify = std::get_if<ike::NotifyReceived>(&event)) {
        if (static_cast<std::uint16_t>(notify->type) < 16384) {  // error types (RFC 7296 §3.10.1)
            failure_ = "the SeGW answered " + ike::notify_type_name(notify->type);
            log("ike", failure_);
        }
    } else if (const auto* failed = std::get_if<ike::ExchangeFailed>(&event)) {
        failure_ = failed->reason;
        log("ike", "exchange failed: " + failed->reason);
        if (tunnel_up_) lost_ = failed->reason;
    } else if (const auto* nat = std::get_if<ike::NatDetected>(&event)) {
        log("ike", fmt::format("NAT detection: device behind NAT {}, SeGW behind NAT {}{}",
                               nat->local_behind_nat ? "yes" : "no", nat->remote_behind_nat ? "yes" : "no",
                               nat->floating ? ", moving to UDP 4500" : ""));
    } else if (const auto* staple = std::get_if<ike::OcspStapleReceived>(&event)) {
        log("ike", fmt::format("OCSP response stapled by the SeGW ({} octets)", staple->response.size()));
    } else if (const auto* retry = std::get_if<ike::RetryRequested>(&event)) {
        log("ike", "IKE_SA_INIT again: " + retry->reason);
    } else if (const auto* received = std::get_if<ike::MessageReceived>(&event)) {
        if (received->is_request && received->exchange == ike::ExchangeType::kInformational &&
            received->payloads.empty())
            log("ike", fmt::format("liveness check {} from the SeGW", received->message_id));
    } else if (const auto* dropped = std::get_if<ike::Dropped>(&event)) {
        log("ike", "dropped: " + dropped->reason);
    } else if (const auto* decode = std::get_if<ike::DecodeError>(&event)) {
        log("ike", "undecodable message: " + decode->reason);
    }
}

void Link::bring_tunnel_up(const ike::ChildSa& child) {
    const HenbConfig& config = *p_.config;
    const std::string inner =
        child.inner_address ? address_of(*child.inner_address).to_string() : config.backhaul.address;
    if (!child.inner_address)
        log("tunnel", "no INTERNAL_IP4_ADDRESS from the SeGW: the outer address is used");
    auto tun =
        open_inner_interface(config.tunnel.interface, config.tunnel.mtu, inner, config.segw.remote_networks);
    if (!tun.ok()) {
        failure_ = "cannot bring up " + config.tunnel.interface + ": " + tun.error().message();
        log("tunnel", failure_);
        closing_ = true;
        deliver(initiator_->sa().delete_ike_sa(ike::Clock::now()));
        return;
    }
    tun_.assign(tun->release().release());
    tunnel_up_ = true;
    attempt_timer_.cancel();
    log("tunnel", "up: inner " + inner + " via " + config.tunnel.interface);
    read_tun();
    std::lock_guard lock(mutex_);
    phase_ = Phase::kUp;
    info_ = TunnelInfo{inner, config.tunnel.interface};
    cv_.notify_all();
}

void Link::read_tun() {
    tun_.async_read_some(asio::buffer(tun_buffer_), [this](asio::error_code ec, std::size_t n) {
        if (ec == asio::error::operation_aborted || !tun_.is_open()) return;
        if (!ec) {
            auto sealed = esp_.seal(esp::ByteSpan(tun_buffer_.data(), n), ike::Clock::now());
            if (sealed.ok()) {
                // RFC 3948 §2.1: ESP in UDP 4500, from our 4500, whatever NAT detection found
                // (every ESP endpoint on this machine is userspace over UDP).
                const asio::ip::udp::endpoint to(address_of(initiator_->sa().remote().ip), ike::kNatTPort);
                asio::error_code send_ec;
                natt_socket_.send_to(asio::buffer(*sealed), to, 0, send_ec);
            }
        } else {
            log("tunnel", "reading " + p_.config->tunnel.interface + " failed: " + ec.message());
            return;
        }
        read_tun();
    });
}

void Link::arm_retransmit_timer() {
    const auto deadline = initiator_->next_deadline();
    if (!deadline) return;
    retransmit_timer_.expires_at(*deadline);
    retransmit_timer_.async_wait([this](const asio::error_code& ec) {
        if (!ec) deliver(initiator_->on_timer(ike::Clock::now()));
    });
}

// Stops everything on the link's thread; the TUN device goes with its descriptor.
void Link::finish(Phase phase, const std::string& reason) {
    if (ended()) return;
    asio::error_code ignored;
    ike_socket_.close(ignored);
    natt_socket_.close(ignored);
    tun_.close(ignored);
    retransmit_timer_.cancel();
    attempt_timer_.cancel();
    log(phase == Phase::kFailed ? "ike" : "tunnel",
        (phase == Phase::kFailed ? "attempt failed: " : "down: ") + reason);
    std::lock_guard lock(mutex_);
    phase_ = phase;
    reason_ = reason;
    cv_.notify_all();
}

}  // namespace

Result<std::unique_ptr<SegwLink>> SegwLink::start(SegwLinkParams params) {
    if (params.config == nullptr || params.defects == nullptr)
        return Error("SegwLink needs a configuration and defects");
    auto link = std::make_unique<Link>(std::move(params));
    if (auto ready = link->init(); !ready.ok())
        return std::move(ready).error().context("starting the SeGW link");
    link->run();
    return std::unique_ptr<SegwLink>(std::move(link));
}

}  // namespace hnbsec::emulator
