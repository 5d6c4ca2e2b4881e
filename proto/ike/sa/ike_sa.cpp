#include "proto/ike/sa/ike_sa.h"

#include <algorithm>
#include <cmath>

#include "proto/ike/crypto/auth.h"
#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/signature.h"
#include "proto/ike/crypto/sk_protection.h"
#include "proto/ike/decode.h"
#include "proto/ike/encode.h"
#include "proto/ike/sa.h"
#include "proto/ike/sa/proposals.h"
#include "proto/ike/sa/wire.h"
#include "proto/ike/udp_encapsulation.h"

namespace hnbsec::ike {

std::string state_name(SaState state) {
    switch (state) {
        case SaState::kIdle:
            return "IDLE";
        case SaState::kInitSent:
            return "INIT_SENT";
        case SaState::kAuthSent:
            return "AUTH_SENT";
        case SaState::kInitResponded:
            return "INIT_RESPONDED";
        case SaState::kEstablished:
            return "ESTABLISHED";
        case SaState::kDeleting:
            return "DELETING";
        case SaState::kClosed:
            return "CLOSED";
        case SaState::kFailed:
            return "FAILED";
    }
    return "STATE(" + std::to_string(static_cast<int>(state)) + ")";
}

namespace {

// The messages each state accepts (after the Message ID window check, RFC 7296 §2.3);
// anything else is an UnexpectedMessage event.
struct Legal {
    SaState state;
    ExchangeType exchange;
    bool request;
};
constexpr Legal kLegal[] = {
    {SaState::kIdle, ExchangeType::kIkeSaInit, true},             // responder, §1.2
    {SaState::kInitSent, ExchangeType::kIkeSaInit, false},        // initiator, §1.2
    {SaState::kInitResponded, ExchangeType::kIkeAuth, true},      // responder, §1.2
    {SaState::kAuthSent, ExchangeType::kIkeAuth, false},          // initiator, §1.2
    {SaState::kEstablished, ExchangeType::kInformational, true},  // §1.4
    {SaState::kEstablished, ExchangeType::kInformational, false},
    {SaState::kEstablished, ExchangeType::kCreateChildSa, true},  // §1.3
    {SaState::kEstablished, ExchangeType::kCreateChildSa, false},
    {SaState::kDeleting, ExchangeType::kInformational, true},
    {SaState::kDeleting, ExchangeType::kInformational, false},
};

bool legal(SaState state, ExchangeType exchange, bool request) {
    return std::any_of(std::begin(kLegal), std::end(kLegal), [&](const Legal& l) {
        return l.state == state && l.exchange == exchange && l.request == request;
    });
}

template <typename Body>
const Body* find_body(const std::vector<Payload>& payloads, PayloadType type) {
    for (const auto& p : payloads) {
        if (p.type == type) {
            if (const auto* b = p.as<Body>()) return b;
        }
    }
    return nullptr;
}

std::optional<NotifyType> first_error_notify(const std::vector<Payload>& payloads) {
    for (const auto& p : payloads) {
        if (const auto* n = p.as<Notify>(); n != nullptr && is_error(n->type)) return n->type;
    }
    return std::nullopt;
}

Bytes random_bytes(std::size_t n) {
    auto r = random_octets(n);
    return r.ok() ? std::move(r).value() : Bytes(n, 0x5a);
}

// SIGNATURE_HASH_ALGORITHMS (RFC 7427 §4): SHA2-256, SHA2-384, SHA2-512.
Bytes signature_hashes() {
    return Bytes{0, 2, 0, 3, 0, 4};
}

}  // namespace

IkeSa::IkeSa(Role role, IkeSaConfig config, Endpoint local, Endpoint remote, std::uint64_t spi_local)
    : role_(role), config_(std::move(config)), local_(std::move(local)), remote_(std::move(remote)) {
    if (spi_local == 0) {
        auto r = random_spi64();
        spi_local = r.ok() ? *r : 0x0123456789abcdefULL;
    }
    (role_ == Role::kInitiator ? spi_i_ : spi_r_) = spi_local;
}

const std::vector<ProposalSpec>& IkeSa::ike_specs() const {
    if (role_ == Role::kResponder && config_.knobs.ike_proposals) return *config_.knobs.ike_proposals;
    return config_.ike_proposals;
}
const std::vector<ProposalSpec>& IkeSa::esp_specs() const {
    if (role_ == Role::kResponder && config_.knobs.esp_proposals) return *config_.knobs.esp_proposals;
    return config_.esp_proposals;
}

std::size_t IkeSa::effective_mtu() const {
    if (role_ == Role::kResponder && config_.knobs.force_fragment_mtu)
        return *config_.knobs.force_fragment_mtu;
    return config_.fragmentation.mtu;
}

std::optional<IkeSaKeyExport> IkeSa::key_export() const {
    if (!keys_) return std::nullopt;
    return IkeSaKeyExport{spi_i_, spi_r_, suite_, *keys_};
}

void IkeSa::fail(std::string reason, std::optional<NotifyType> notify) {
    emit(ExchangeFailed{std::move(reason), notify});
    state_ = SaState::kFailed;
    outstanding_.reset();
    // Kept a while to answer retransmissions from its cache, then closed (and reaped).
    state_deadline_ = now_ + config_.timeouts.failed_linger;
}

// ---- sending ----------------------------------------------------------------------------

Result<Bytes> IkeSa::plain(ExchangeType exchange, bool response, std::uint32_t message_id,
                           const std::vector<Payload>& payloads) {
    IkeHeader h;
    h.spi_i = spi_i_;
    h.spi_r = spi_r_;
    h.exchange_type = exchange;
    h.flags = static_cast<std::uint8_t>((role_ == Role::kInitiator ? kFlagInitiator : 0) |
                                        (response ? kFlagResponse : 0));
    h.message_id = message_id;
    return encode_plain(h, payloads);
}

// RFC 7296 §3.14 (SK) and RFC 7383 §2.5 (SKF): the message is fragmented when the peer
// announced IKEV2_FRAGMENTATION_SUPPORTED and it would not fit the MTU.
Result<std::vector<Bytes>> IkeSa::protect(ExchangeType exchange, bool response, std::uint32_t message_id,
                                          const std::vector<Payload>& inner) {
    if (!keys_) return Error("no keys to protect " + exchange_type_name(exchange));
    HNBSEC_TRY(Bytes plaintext, encode_payloads(inner));
    const PayloadType first = inner.empty() ? PayloadType::kNoNextPayload : inner.front().type;
    IkeHeader h;
    h.spi_i = spi_i_;
    h.spi_r = spi_r_;
    h.exchange_type = exchange;
    h.flags = static_cast<std::uint8_t>((role_ == Role::kInitiator ? kFlagInitiator : 0) |
                                        (response ? kFlagResponse : 0));
    h.message_id = message_id;
    const SkKeys keys = sk_keys(*keys_, role_ == Role::kInitiator ? Sender::kInitiator : Sender::kResponder);

    auto seal = [&](PayloadType type, PayloadBody body, OctetSpan chunk) -> Result<Bytes> {
        HNBSEC_TRY(std::size_t body_size, sk_body_size(suite_, chunk.size()));
        if (auto* sk = std::get_if<Sk>(&body)) sk->encrypted.assign(body_size, 0);
        if (auto* skf = std::get_if<Skf>(&body)) skf->encrypted.assign(body_size, 0);
        HNBSEC_TRY(Bytes wire, encode_message(Message{h, {Payload{type, false, 0, std::move(body)}}}));
        const std::size_t prefix = wire.size() - body_size;
        HNBSEC_TRY(Octets sealed, sk_protect(suite_, keys, OctetSpan(wire).first(prefix), chunk));
        if (sealed.size() != body_size) return Error("SK body size mismatch");
        std::copy(sealed.begin(), sealed.end(), wire.begin() + static_cast<std::ptrdiff_t>(prefix));
        return wire;
    };

    HNBSEC_TRY(std::size_t full_body, sk_body_size(suite_, plaintext.size()));
    const std::size_t ip_udp = (remote_.ip.size() == 16 ? 40 : 20) + 8 + (local_.port == kNatTPort ? 4 : 0);
    const std::size_t mtu = effective_mtu();
    const std::size_t budget = mtu > ip_udp ? mtu - ip_udp : 0;
    const bool fragment = exchange != ExchangeType::kIkeSaInit && config_.fragmentation.enabled &&
                          peer_fragmentation_ && kHeaderSize + 4 + full_body > budget;
    if (!fragment) {
        HNBSEC_TRY(Bytes wire, seal(PayloadType::kSk, Sk{first, {}}, plaintext));
        return std::vector<Bytes>{std::move(wire)};
    }
    HNBSEC_TRY(std::size_t empty_body, sk_body_size(suite_, 0));
    const std::size_t overhead = kHeaderSize + 8 + empty_body + 16;
    if (budget < overhead + 16) return Error("MTU " + std::to_string(mtu) + " too small for SKF fragments");
    const std::size_t chunk = budget - overhead;
    const std::size_t count = (plaintext.size() + chunk - 1) / chunk;
    if (count > 65535 || count > config_.fragmentation.max_fragments) {
        return Error("message needs " + std::to_string(count) + " fragments");
    }
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t offset = i * chunk;
        const std::size_t n = std::min(chunk, plaintext.size() - offset);
        Skf skf;
        skf.fragment_number = static_cast<std::uint16_t>(i + 1);
        skf.total_fragments = static_cast<std::uint16_t>(count);
        skf.first_inner = i == 0 ? first : PayloadType::kNoNextPayload;
        HNBSEC_TRY(Bytes wire, seal(PayloadType::kSkf, skf, OctetSpan(plaintext).subspan(offset, n)));
        out.push_back(std::move(wire));
    }
    return out;
}

void IkeSa::transmit(const std::vector<Bytes>& packets, ExchangeType exchange, bool request,
                     std::uint32_t message_id, const std::vector<PayloadType>& payloads,
                     bool retransmission) {
    for (const auto& p : packets) {
        out_.datagrams.push_back(
            Datagram{local_, remote_, local_.port == kNatTPort ? with_non_esp_marker(p) : p});
    }
    emit(MessageSent{exchange, request, message_id, payloads, packets.size(), retransmission, remote_});
}

void IkeSa::send_request(ExchangeType exchange, const std::vector<Payload>& inner,
                         Outstanding::Purpose purpose, TimePoint now) {
    const std::uint32_t id = next_request_id_;
    auto packets = protect(exchange, false, id, inner);
    if (!packets.ok()) {
        fail("cannot build " + exchange_type_name(exchange) + " request: " + packets.error().message());
        return;
    }
    ++next_request_id_;
    outstanding_ = Outstanding{
        exchange, id,     std::move(packets).value(), payload_types(inner), now + config_.retransmit.base,
        1,        purpose};
    transmit(outstanding_->packets, exchange, true, id, outstanding_->payloads, false);
}

void IkeSa::send_response(ExchangeType exchange, std::uint32_t message_id, const std::vector<Payload>& inner,
                          bool protect_it) {
    std::vector<Bytes> packets;
    if (protect_it) {
        auto r = protect(exchange, true, message_id, inner);
        if (!r.ok()) {
            fail("cannot build " + exchange_type_name(exchange) + " response: " + r.error().message());
            return;
        }
        packets = std::move(r).value();
    } else {
        auto r = plain(exchange, true, message_id, inner);
        if (!r.ok()) {
            fail("cannot build " + exchange_type_name(exchange) + " response: " + r.error().message());
            return;
        }
        packets.push_back(std::move(r).value());
    }
    cached_ = CachedResponse{message_id, packets, payload_types(inner), exchange};
    expected_request_id_ = message_id + 1;
    ++responses_sent_;
    if (role_ == Role::kResponder && config_.knobs.drop_response_n == responses_sent_) {
        emit(Dropped{"knob: response #" + std::to_string(responses_sent_) + " (" +
                     exchange_type_name(exchange) + ") not sent"});
        return;
    }
    if (role_ == Role::kResponder && config_.knobs.delay_response_n == responses_sent_) {
        // Held until on_timer; retransmitted requests meanwhile find no answer either.
        delayed_until_ = now_ + config_.knobs.response_delay;
        emit(Dropped{"knob: response #" + std::to_string(responses_sent_) + " (" +
                     exchange_type_name(exchange) + ") held for " +
                     std::to_string(config_.knobs.response_delay.count()) + " ms"});
        return;
    }
    transmit(packets, exchange, false, message_id, cached_->payloads, false);
    if (role_ == Role::kResponder && config_.knobs.duplicate_response_n == responses_sent_) {
        transmit(packets, exchange, false, message_id, cached_->payloads, true);
    }
}

std::vector<Payload> IkeSa::nat_detection_payloads(std::uint64_t spi_i, std::uint64_t spi_r) const {
    std::vector<Payload> out;
    if (role_ == Role::kInitiator && !config_.initiator_knobs.send_nat_detection) return out;
    auto src = natd_hash(spi_i, spi_r, local_);
    auto dst = natd_hash(spi_i, spi_r, remote_);
    if (!src.ok() || !dst.ok()) return out;
    // strongSwan `encap = yes`: a fake source hash makes both ends see a NAT.
    Bytes source = config_.nat.force_encap ? random_bytes(20) : *src;
    out.push_back(notify_payload(NotifyType::kNatDetectionSourceIp, std::move(source)));
    out.push_back(notify_payload(NotifyType::kNatDetectionDestinationIp, *dst));
    return out;
}

// RFC 7296 §2.23: compare the peer's hashes with ours; float to 4500 when a NAT is seen.
void IkeSa::process_nat_detection(const Message& m, bool floating_allowed) {
    const Bytes* dst = nullptr;
    std::vector<const Bytes*> sources;
    for (const auto& p : m.payloads) {
        if (const auto* n = p.as<Notify>()) {
            if (n->type == NotifyType::kNatDetectionSourceIp) sources.push_back(&n->data);
            if (n->type == NotifyType::kNatDetectionDestinationIp) dst = &n->data;
        }
    }
    if (dst == nullptr && sources.empty()) return;
    auto expected_dst = natd_hash(m.header.spi_i, m.header.spi_r, local_);
    auto expected_src = natd_hash(m.header.spi_i, m.header.spi_r, remote_);
    if (!expected_dst.ok() || !expected_src.ok()) return;
    NatDetected e;
    e.local_behind_nat = dst == nullptr || *dst != *expected_dst;
    e.remote_behind_nat =
        std::none_of(sources.begin(), sources.end(), [&](const Bytes* s) { return *s == *expected_src; });
    const bool nat = e.local_behind_nat || e.remote_behind_nat || config_.nat.force_encap;
    local_behind_nat_ = e.local_behind_nat || config_.nat.force_encap;
    e.floating = floating_allowed && nat && local_.port != kNatTPort;
    emit(e);
    if (e.floating) {
        local_.port = kNatTPort;
        remote_.port = kNatTPort;
    }
}

// ---- receiving --------------------------------------------------------------------------

Output IkeSa::handle_datagram(const Datagram& datagram, TimePoint now) {
    now_ = now;
    auto ike = ike_bytes_of(datagram, &out_.events);
    if (!ike) return std::exchange(out_, {});
    auto m = decode_message(*ike);
    if (!m.ok()) {
        emit(DecodeError{m.error().message(), error_offset(m.error().message())});
        return std::exchange(out_, {});
    }
    receive(*m, *ike, datagram, now);
    return std::exchange(out_, {});
}

Output IkeSa::handle_message(const Message& message, const Bytes& raw, const Datagram& datagram,
                             TimePoint now) {
    now_ = now;
    receive(message, raw, datagram, now);
    return std::exchange(out_, {});
}

void IkeSa::receive(const Message& message, const Bytes& raw, const Datagram& datagram, TimePoint now) {
    const IkeHeader& h = message.header;
    const bool request = !h.response();
    const std::string name = message_name(h) + " id " + std::to_string(h.message_id);
    if (h.spi_i != spi_i_ && !(role_ == Role::kResponder && state_ == SaState::kIdle)) {
        emit(Dropped{name + ": initiator SPI does not match this SA"});
        return;
    }
    if (spi_r_ != 0 && h.spi_r != spi_r_ && !(h.exchange_type == ExchangeType::kIkeSaInit && h.spi_r == 0)) {
        emit(Dropped{name + ": responder SPI does not match this SA"});
        return;
    }
    // RFC 7296 §3.1: the Initiator flag names the original initiator.
    if (h.initiator() != (role_ == Role::kResponder)) {
        emit(Dropped{name + ": Initiator flag " + (h.initiator() ? "set" : "clear") + " from the original " +
                     (role_ == Role::kResponder ? "initiator" : "responder")});
        return;
    }
    const Payload* first = message.payloads.empty() ? nullptr : &message.payloads.front();
    const Skf* skf = first != nullptr && first->type == PayloadType::kSkf ? first->as<Skf>() : nullptr;

    // Message ID window (RFC 7296 §2.3, window size 1; §2.1 retransmissions).
    if (h.response()) {
        if (!outstanding_ || outstanding_->message_id != h.message_id ||
            outstanding_->exchange != h.exchange_type) {
            emit(Dropped{name + ": no outstanding request with this message ID" +
                         (outstanding_ ? " (waiting for id " + std::to_string(outstanding_->message_id) + ")"
                                       : std::string())});
            return;
        }
    } else {
        if (cached_ && cached_->message_id == h.message_id && state_ != SaState::kIdle) {
            if (skf != nullptr && skf->fragment_number != 1) {
                emit(Dropped{name + ": fragment " + std::to_string(skf->fragment_number) +
                             " of a retransmitted request"});
                return;
            }
            if (delayed_until_) {
                emit(Dropped{name + ": retransmitted request while its response is held (delay knob)"});
                return;
            }
            emit(RetransmitAnswered{h.message_id});
            transmit(cached_->packets, cached_->exchange, false, cached_->message_id, cached_->payloads,
                     true);
            return;
        }
        if (h.message_id != expected_request_id_) {
            emit(Dropped{name + ": message ID outside the window (expected " +
                         std::to_string(expected_request_id_) + ")"});
            return;
        }
    }

    // Decrypt (RFC 7296 §3.14) or reassemble (RFC 7383 §2.6).
    Message inner{h, {}};
    std::size_t fragments = 0;
    if (first != nullptr && first->type == PayloadType::kSk) {
        const Sk* sk = first->as<Sk>();
        if (!keys_ || sk == nullptr) {
            emit(Dropped{name + ": protected message before keys exist"});
            return;
        }
        const SkKeys keys =
            sk_keys(*keys_, role_ == Role::kInitiator ? Sender::kResponder : Sender::kInitiator);
        const std::size_t prefix = raw.size() - sk->encrypted.size();
        auto opened = sk_unprotect(suite_, keys, OctetSpan(raw).first(prefix), sk->encrypted);
        if (!opened.ok()) {
            emit(DecodeError{name + ": " + opened.error().message(), prefix});
            return;
        }
        DecodeFailure failure;
        auto payloads = decode_payloads(sk->first_inner, opened->plaintext, name + " (decrypted)", &failure);
        if (!payloads.ok()) {
            emit(DecodeError{payloads.error().message(), error_offset(payloads.error().message())});
            if (request) answer_undecodable(h, failure);
            return;
        }
        inner.payloads = std::move(payloads).value();
    } else if (skf != nullptr) {
        if (!keys_ || !config_.fragmentation.enabled) {
            emit(Dropped{name + ": SKF fragment without keys or without negotiated fragmentation"});
            return;
        }
        const auto& policy = config_.fragmentation;
        if (skf->fragment_number == 0 || skf->fragment_number > skf->total_fragments ||
            skf->total_fragments > policy.max_fragments) {
            emit(Dropped{name + ": fragment " + std::to_string(skf->fragment_number) + "/" +
                         std::to_string(skf->total_fragments) + " outside limits (max " +
                         std::to_string(policy.max_fragments) + ")"});
            return;
        }
        const SkKeys keys =
            sk_keys(*keys_, role_ == Role::kInitiator ? Sender::kResponder : Sender::kInitiator);
        const std::size_t prefix = raw.size() - skf->encrypted.size();
        auto opened = sk_unprotect(suite_, keys, OctetSpan(raw).first(prefix), skf->encrypted);
        if (!opened.ok()) {
            emit(DecodeError{
                name + ": fragment " + std::to_string(skf->fragment_number) + ": " + opened.error().message(),
                prefix});
            return;
        }
        if (reassembly_ &&
            (reassembly_->message_id != h.message_id || reassembly_->response != h.response())) {
            emit(Dropped{"incomplete reassembly of message id " + std::to_string(reassembly_->message_id) +
                         " discarded"});
            reassembly_.reset();
        }
        if (!reassembly_) {
            reassembly_ = Reassembly{h.message_id,
                                     h.response(),
                                     skf->total_fragments,
                                     {},
                                     PayloadType::kNoNextPayload,
                                     0,
                                     h,
                                     now + policy.reassembly_timeout};
        }
        Reassembly& r = *reassembly_;
        if (r.total != skf->total_fragments) {
            emit(Dropped{name + ": Total Fragments changed from " + std::to_string(r.total) + " to " +
                         std::to_string(skf->total_fragments)});
            return;
        }
        if (r.plaintexts.count(skf->fragment_number) != 0) {
            emit(Dropped{name + ": duplicate fragment " + std::to_string(skf->fragment_number)});
            return;
        }
        r.total_size += opened->plaintext.size();
        if (r.total_size > policy.max_total_size) {
            emit(Dropped{name + ": reassembled size exceeds " + std::to_string(policy.max_total_size)});
            reassembly_.reset();
            return;
        }
        if (skf->fragment_number == 1) {
            r.first_inner = skf->first_inner;
            r.header = h;
        }
        r.plaintexts[skf->fragment_number] = std::move(opened->plaintext);
        if (r.plaintexts.size() < r.total) return;
        Bytes all;
        for (const auto& [n, part] : r.plaintexts) all.insert(all.end(), part.begin(), part.end());
        fragments = r.total;
        DecodeFailure failure;
        auto payloads = decode_payloads(r.first_inner, all, name + " (reassembled)", &failure);
        reassembly_.reset();
        if (!payloads.ok()) {
            emit(DecodeError{payloads.error().message(), error_offset(payloads.error().message())});
            if (request) answer_undecodable(h, failure);
            return;
        }
        inner.payloads = std::move(payloads).value();
    } else {
        if (h.exchange_type != ExchangeType::kIkeSaInit) {
            emit(Dropped{name + ": unprotected message outside IKE_SA_INIT"});
            return;
        }
        inner.payloads = message.payloads;
    }
    emit(MessageReceived{h.exchange_type, request, h.message_id, payload_types(inner.payloads), inner,
                         fragments});

    if (!legal(state_, h.exchange_type, request)) {
        emit(UnexpectedMessage{state_name(state_), h.exchange_type, request, h.message_id});
        return;
    }
    if (h.response()) {
        answered_ = outstanding_->purpose;
        outstanding_.reset();
    } else if (state_ != SaState::kIdle) {
        // Authenticated request: answer where it came from (RFC 7296 §2.11, §2.23).
        local_ = datagram.local;
        remote_ = datagram.remote;
    }
    current_raw_ = &raw;
    dispatch(inner, datagram, now);
    current_raw_ = nullptr;
}

// An authenticated request whose inner payloads do not decode gets INVALID_SYNTAX or
// UNSUPPORTED_CRITICAL_PAYLOAD (RFC 7296 §2.5, §2.21.2); during IKE_AUTH the SA fails.
void IkeSa::answer_undecodable(const IkeHeader& h, const DecodeFailure& failure) {
    send_response(h.exchange_type, h.message_id, {notify_payload(failure.notify, failure.notify_data)}, true);
    if (state_ == SaState::kInitResponded) {
        fail(exchange_type_name(h.exchange_type) + " request does not decode", failure.notify);
    }
}

void IkeSa::dispatch(const Message& m, const Datagram& datagram, TimePoint now) {
    const bool request = !m.header.response();
    switch (m.header.exchange_type) {
        case ExchangeType::kIkeSaInit:
            if (request) {
                on_init_request(m, datagram, now);
            } else {
                on_init_response(m, now);
            }
            return;
        case ExchangeType::kIkeAuth:
            if (request) {
                on_auth_request(m, now);
            } else {
                on_auth_response(m, now);
            }
            return;
        case ExchangeType::kInformational:
            if (request) {
                on_informational_request(m, now);
            } else {
                on_informational_response(m, now);
            }
            return;
        case ExchangeType::kCreateChildSa:
            if (request) {
                on_create_child_request(m, now);
            } else {
                on_create_child_response(m, now);
            }
            return;
    }
}

// ---- IKE_SA_INIT (RFC 7296 §1.2) --------------------------------------------------------

Output IkeSa::start(TimePoint now) {
    now_ = now;
    if (role_ != Role::kInitiator || state_ != SaState::kIdle) {
        emit(Dropped{"start() in state " + state_name(state_)});
        return std::exchange(out_, {});
    }
    if (config_.ike_proposals.empty() || config_.ike_proposals.front().dh.empty()) {
        fail("no IKE proposal with a Diffie-Hellman group configured");
        return std::exchange(out_, {});
    }
    ke_group_ = config_.initial_ke_group.value_or(config_.ike_proposals.front().dh.front());
    nonce_local_ = random_bytes(32);
    send_init_request(now, std::nullopt);
    return std::exchange(out_, {});
}

void IkeSa::send_init_request(TimePoint now, std::optional<Bytes> cookie) {
    // §2.6: a COOKIE retry repeats the other payloads unchanged, so the key pair is kept
    // unless INVALID_KE_PAYLOAD asked for another group.
    if (!dh_ || dh_->group() != ke_group_) {
        auto dh = DhKeyPair::generate(ke_group_);
        if (!dh.ok()) {
            fail("cannot generate " + to_string(ke_group_) + " key pair: " + dh.error().message());
            return;
        }
        dh_ = std::move(dh).value();
    }
    std::vector<Payload> p;
    if (cookie) p.push_back(notify_payload(NotifyType::kCookie, *cookie));
    p.push_back(make_payload(PayloadType::kSa, to_sa(config_.ike_proposals, {})));
    p.push_back(
        make_payload(PayloadType::kKe, Ke{static_cast<std::uint16_t>(ke_group_), dh_->public_value(), 0}));
    p.push_back(make_payload(PayloadType::kNonce, Nonce{nonce_local_}));
    for (auto& n : nat_detection_payloads(spi_i_, 0)) p.push_back(std::move(n));
    if (config_.fragmentation.enabled) p.push_back(notify_payload(NotifyType::kIkev2FragmentationSupported));
    if (config_.announce_signature_hashes) {
        p.push_back(notify_payload(NotifyType::kSignatureHashAlgorithms, signature_hashes()));
    }
    spi_r_ = 0;
    auto bytes = plain(ExchangeType::kIkeSaInit, false, 0, p);
    if (!bytes.ok()) {
        fail("cannot build IKE_SA_INIT request: " + bytes.error().message());
        return;
    }
    init_request_ = *bytes;
    next_request_id_ = 1;
    outstanding_ = Outstanding{
        ExchangeType::kIkeSaInit,   0, {*bytes}, payload_types(p), now + config_.retransmit.base, 1,
        Outstanding::Purpose::kInit};
    state_ = SaState::kInitSent;
    transmit(outstanding_->packets, ExchangeType::kIkeSaInit, true, 0, outstanding_->payloads, false);
}

void IkeSa::on_init_request(const Message& m, const Datagram& dg, TimePoint now) {
    spi_i_ = m.header.spi_i;
    local_ = dg.local;
    remote_ = dg.remote;
    const std::uint64_t my_spi = spi_r_;
    // Error answers of IKE_SA_INIT carry no responder SPI and create no state (§1.2, §2.6).
    auto refuse = [&](NotifyType type, Bytes data, std::string reason) {
        spi_r_ = 0;
        send_response(ExchangeType::kIkeSaInit, 0, {notify_payload(type, std::move(data))}, false);
        spi_r_ = my_spi;
        emit(ExchangeFailed{std::move(reason), type});
        state_ = SaState::kClosed;
    };
    if (config_.knobs.ike_sa_init_error) {
        refuse(*config_.knobs.ike_sa_init_error, {}, "knob: IKE_SA_INIT answered with an error notify");
        return;
    }
    const Sa* sa = find_body<Sa>(m.payloads, PayloadType::kSa);
    const Ke* ke = find_body<Ke>(m.payloads, PayloadType::kKe);
    const Nonce* ni = find_body<Nonce>(m.payloads, PayloadType::kNonce);
    if (sa == nullptr || ke == nullptr || ni == nullptr) {
        refuse(NotifyType::kInvalidSyntax, {}, "IKE_SA_INIT request lacks SA, KE or Nonce");
        return;
    }
    if (ni->data.size() < 16 || ni->data.size() > 256) {
        refuse(NotifyType::kInvalidSyntax, {},
               "Nonce of " + std::to_string(ni->data.size()) + " octets (§3.9)");
        return;
    }
    std::string why;
    auto chosen =
        choose_proposal(*sa, ike_specs(), ProtocolId::kIke, static_cast<DhGroup>(ke->dh_group), &why);
    if (!chosen) {
        refuse(NotifyType::kNoProposalChosen, {}, "no acceptable IKE proposal: " + why);
        return;
    }
    if (static_cast<std::uint16_t>(chosen->suite.dh) != ke->dh_group) {
        // §1.2: INVALID_KE_PAYLOAD names the group we want.
        emit(InvalidKeSent{static_cast<DhGroup>(ke->dh_group), chosen->suite.dh});
        refuse(NotifyType::kInvalidKePayload, be16(static_cast<std::uint16_t>(chosen->suite.dh)),
               "KE group " + to_string(static_cast<DhGroup>(ke->dh_group)) + " not the chosen " +
                   to_string(chosen->suite.dh));
        return;
    }
    suite_ = chosen->suite;
    ke_group_ = suite_.dh;
    emit(ProposalChosen{ProtocolId::kIke, chosen->reply.number, suite_});
    nonce_peer_ = ni->data;
    nonce_local_ = random_bytes(32);
    init_request_ = *current_raw_;
    peer_fragmentation_ = find_notify(m.payloads, NotifyType::kIkev2FragmentationSupported) != nullptr;
    peer_multiple_auth_ = find_notify(m.payloads, NotifyType::kMultipleAuthSupported) != nullptr;
    peer_signature_hashes_ = find_notify(m.payloads, NotifyType::kSignatureHashAlgorithms) != nullptr;
    auto dh = DhKeyPair::generate(ke_group_);
    if (!dh.ok()) {
        refuse(NotifyType::kNoProposalChosen, {}, "cannot generate key pair: " + dh.error().message());
        return;
    }
    dh_ = std::move(dh).value();
    if (auto st = derive_ike_keys(ke->data); !st.ok()) {
        refuse(NotifyType::kInvalidSyntax, {}, "key derivation failed: " + st.error().message());
        return;
    }
    process_nat_detection(m, false);

    std::vector<Payload> p;
    chosen->reply.spi.clear();
    p.push_back(make_payload(PayloadType::kSa, Sa{{chosen->reply}}));
    p.push_back(
        make_payload(PayloadType::kKe, Ke{static_cast<std::uint16_t>(ke_group_), dh_->public_value(), 0}));
    p.push_back(make_payload(PayloadType::kNonce, Nonce{nonce_local_}));
    for (auto& n : nat_detection_payloads(spi_i_, spi_r_)) p.push_back(std::move(n));
    if (!config_.trust_anchor_spkis.empty()) {
        CertReq cr;
        for (const auto& spki : config_.trust_anchor_spkis) {
            if (auto h = spki_sha1(spki); h.ok()) cr.data.insert(cr.data.end(), h->begin(), h->end());
        }
        p.push_back(make_payload(PayloadType::kCertReq, std::move(cr)));
    }
    if (config_.fragmentation.enabled && peer_fragmentation_) {
        p.push_back(notify_payload(NotifyType::kIkev2FragmentationSupported));
    }
    if (config_.announce_signature_hashes) {
        p.push_back(notify_payload(NotifyType::kSignatureHashAlgorithms, signature_hashes()));
    }
    if (config_.multiple_auth_supported) p.push_back(notify_payload(NotifyType::kMultipleAuthSupported));
    send_response(ExchangeType::kIkeSaInit, 0, p, false);
    if (state_ == SaState::kFailed) return;
    init_response_ = cached_->packets.front();
    state_ = SaState::kInitResponded;
    state_deadline_ = now + config_.timeouts.half_open;
}

void IkeSa::on_init_response(const Message& m, TimePoint now) {
    if (const Notify* cookie = find_notify(m.payloads, NotifyType::kCookie)) {
        // §2.6: retry with the cookie first.
        if (++init_retries_ > 3) {
            fail("responder keeps asking for a COOKIE", NotifyType::kCookie);
            return;
        }
        cookie_ = cookie->data;
        emit(RetryRequested{"COOKIE of " + std::to_string(cookie->data.size()) + " octets"});
        send_init_request(now, cookie_);
        return;
    }
    if (const Notify* ike = find_notify(m.payloads, NotifyType::kInvalidKePayload)) {
        // §1.2: retry with the group the responder asks for, if we proposed it.
        auto group =
            ike->data.size() == 2 ? static_cast<DhGroup>((ike->data[0] << 8) | ike->data[1]) : DhGroup::kNone;
        bool proposed = false;
        for (const auto& s : config_.ike_proposals) {
            proposed = proposed || std::find(s.dh.begin(), s.dh.end(), group) != s.dh.end();
        }
        if (!proposed || group == ke_group_ || ++init_retries_ > 3) {
            fail("INVALID_KE_PAYLOAD asks for " + to_string(group) +
                     ", which was not proposed or already used",
                 NotifyType::kInvalidKePayload);
            return;
        }
        emit(RetryRequested{"INVALID_KE_PAYLOAD asks for " + to_string(group)});
        ke_group_ = group;
        send_init_request(now, cookie_);
        return;
    }
    if (auto err = first_error_notify(m.payloads)) {
        const Notify* n = find_notify(m.payloads, *err);
        emit(NotifyReceived{*err, n != nullptr ? n->data : Bytes{}, ExchangeType::kIkeSaInit});
        fail("IKE_SA_INIT refused with " + notify_type_name(*err), *err);
        return;
    }
    const Sa* sa = find_body<Sa>(m.payloads, PayloadType::kSa);
    const Ke* ke = find_body<Ke>(m.payloads, PayloadType::kKe);
    const Nonce* nr = find_body<Nonce>(m.payloads, PayloadType::kNonce);
    if (sa == nullptr || ke == nullptr || nr == nullptr) {
        fail("IKE_SA_INIT response lacks SA, KE or Nonce", NotifyType::kInvalidSyntax);
        return;
    }
    std::string why;
    auto chosen = choose_proposal(*sa, config_.ike_proposals, ProtocolId::kIke, ke_group_, &why);
    if (sa->proposals.size() != 1 || !chosen || chosen->suite.dh != ke_group_ ||
        ke->dh_group != static_cast<std::uint16_t>(ke_group_)) {
        fail(
            "responder chose an unacceptable IKE proposal: " + (chosen ? std::string("group mismatch") : why),
            NotifyType::kNoProposalChosen);
        return;
    }
    if (m.header.spi_r == 0) {
        fail("IKE_SA_INIT response without responder SPI");
        return;
    }
    suite_ = chosen->suite;
    emit(ProposalChosen{ProtocolId::kIke, chosen->reply.number, suite_});
    spi_r_ = m.header.spi_r;
    nonce_peer_ = nr->data;
    init_response_ = *current_raw_;
    peer_fragmentation_ = find_notify(m.payloads, NotifyType::kIkev2FragmentationSupported) != nullptr;
    peer_multiple_auth_ = find_notify(m.payloads, NotifyType::kMultipleAuthSupported) != nullptr;
    peer_signature_hashes_ = find_notify(m.payloads, NotifyType::kSignatureHashAlgorithms) != nullptr;
    for (const auto& p : m.payloads) {
        if (const auto* cr = p.as<CertReq>(); cr != nullptr && p.type == PayloadType::kCertReq) {
            CertificateRequested e;
            for (std::size_t i = 0; i + 20 <= cr->data.size(); i += 20) {
                e.ca_hashes.emplace_back(cr->data.begin() + static_cast<std::ptrdiff_t>(i),
                                         cr->data.begin() + static_cast<std::ptrdiff_t>(i + 20));
            }
            emit(std::move(e));
        }
    }
    if (auto st = derive_ike_keys(ke->data); !st.ok()) {
        fail("key derivation failed: " + st.error().message());
        return;
    }
    process_nat_detection(m, true);
    if (auto st = send_auth_request(now); !st.ok())
        fail("cannot build IKE_AUTH request: " + st.error().message());
}

Status IkeSa::derive_ike_keys(const Bytes& peer_ke) {
    HNBSEC_TRY(Octets g_ir, dh_->shared_secret(peer_ke));
    const Bytes& ni = role_ == Role::kInitiator ? nonce_local_ : nonce_peer_;
    const Bytes& nr = role_ == Role::kInitiator ? nonce_peer_ : nonce_local_;
    HNBSEC_TRY(Octets seed, skeyseed(suite_.prf, ni, nr, g_ir));
    HNBSEC_TRY(IkeSaKeys keys, derive_ike_sa_keys(suite_, seed, ni, nr, be64(spi_i_), be64(spi_r_)));
    keys_ = std::move(keys);
    return Ok{};
}

// ---- IKE_AUTH (RFC 7296 §1.2, §2.15) ----------------------------------------------------

namespace {

struct AuthPayloads {
    const Id* id = nullptr;
    const Auth* auth = nullptr;
    std::vector<Bytes> certs;
    std::vector<Bytes> certreq_hashes;
    std::optional<std::vector<Bytes>> ocsp_hashes;  // CERTREQ(OCSP Content), RFC 4806 §3.1
    std::optional<Bytes> ocsp_staple;               // CERT(OCSP Content), RFC 4806 §3.2
    const Sa* sa = nullptr;
    const Ts* tsi = nullptr;
    const Ts* tsr = nullptr;
    const Cp* cp = nullptr;
};

// CERTREQ data of encodings 4 and 14 is a concatenation of 20-octet SHA-1 hashes
// (RFC 7296 §3.7, RFC 4806 §3.1); a trailing partial hash is ignored.
std::vector<Bytes> sha1_list(const Bytes& data) {
    std::vector<Bytes> hashes;
    for (std::size_t i = 0; i + 20 <= data.size(); i += 20) {
        hashes.emplace_back(data.begin() + static_cast<std::ptrdiff_t>(i),
                            data.begin() + static_cast<std::ptrdiff_t>(i + 20));
    }
    return hashes;
}

AuthPayloads collect(const std::vector<Payload>& payloads, PayloadType id_type) {
    AuthPayloads a;
    for (const auto& p : payloads) {
        if (p.type == id_type) a.id = p.as<Id>();
        if (p.type == PayloadType::kAuth) a.auth = p.as<Auth>();
        if (p.type == PayloadType::kSa) a.sa = p.as<Sa>();
        if (p.type == PayloadType::kTsi) a.tsi = p.as<Ts>();
        if (p.type == PayloadType::kTsr) a.tsr = p.as<Ts>();
        if (p.type == PayloadType::kCp) a.cp = p.as<Cp>();
        if (const auto* c = p.as<Cert>(); c != nullptr && p.type == PayloadType::kCert) {
            if (c->encoding == CertEncoding::kX509Signature) a.certs.push_back(c->data);
            // RFC 4806 §3.2 OCSP content; we keep the first one a message carries.
            if (c->encoding == CertEncoding::kOcspContent && !a.ocsp_staple) a.ocsp_staple = c->data;
        }
        if (const auto* cr = p.as<CertReq>(); cr != nullptr && p.type == PayloadType::kCertReq) {
            std::vector<Bytes> hashes = sha1_list(cr->data);
            if (cr->encoding == CertEncoding::kOcspContent) {
                if (!a.ocsp_hashes) a.ocsp_hashes.emplace();
                a.ocsp_hashes->insert(a.ocsp_hashes->end(), hashes.begin(), hashes.end());
            } else {
                a.certreq_hashes.insert(a.certreq_hashes.end(), hashes.begin(), hashes.end());
            }
        }
    }
    return a;
}

std::vector<TrafficSelector> or_any(const std::vector<TrafficSelector>& ts) {
    return ts.empty() ? std::vector<TrafficSelector>{ts_any_ip4()} : ts;
}

}  // namespace

Result<Octets> IkeSa::sign_auth(const Bytes& real_message, const Bytes& peer_nonce, const Octets& sk_p,
                                AuthMethod* method) {
    if (!config_.credentials.signer) return Error("no signer configured");
    HNBSEC_TRY(Octets octets, auth_signed_octets(suite_.prf, real_message, peer_nonce, sk_p,
                                                 id_payload_body(config_.local_id)));
    AuthChoice choice = config_.credentials.signer->choice();
    if (choice.method == AuthMethod::kDigitalSignature && !peer_signature_hashes_) {
        // RFC 7427 §4: method 14 only after the peer sent SIGNATURE_HASH_ALGORITHMS.
        choice.method = choice.algorithm.scheme == SignatureScheme::kEcdsa ? AuthMethod::kEcdsaSha256P256
                                                                           : AuthMethod::kRsaSignature;
    }
    *method = choice.method;
    return config_.credentials.signer->sign(choice.method, choice.algorithm, octets);
}

Status IkeSa::verify_peer_auth(const Id& id, const Auth& auth, const std::vector<Bytes>& chain,
                               const Bytes& real_message, const Bytes& my_nonce, const Octets& sk_p) {
    if (!config_.validator) return Error("no peer validator configured");
    auto key = config_.validator(chain, id);
    if (!key.ok()) return Error("peer validator refused: " + key.error().message());
    if (!*key) return Error("peer validator returned no key");
    HNBSEC_TRY(Octets octets,
               auth_signed_octets(suite_.prf, real_message, my_nonce, sk_p, id_payload_body(id)));
    auto verified = verify_auth_data(auth.method, key->get(), octets, auth.data);
    if (!verified.ok()) return Error("AUTH does not verify: " + verified.error().message());
    return Ok{};
}

Status IkeSa::second_auth_round(const std::vector<Payload>& inner) {
    if (!config_.second_auth) return Error("no second authentication round configured (EAP not supported)");
    HNBSEC_TRY(std::vector<Payload> reply, config_.second_auth->on_request(inner));
    (void)reply;
    // TODO(eap): send `reply` and continue IKE_AUTH in a new state (RFC 7296 §2.16).
    return Ok{};
}

Result<std::vector<Payload>> UnsupportedSecondAuth::on_request(const std::vector<Payload>& inner) {
    (void)inner;
    return Error("second authentication round (EAP) not supported");
}

Status IkeSa::send_auth_request(TimePoint now) {
    HNBSEC_TRY(child_spi_in_, random_spi32());
    std::vector<Payload> p;
    p.push_back(make_payload(PayloadType::kIdi, config_.local_id));
    for (const auto& der : config_.credentials.chain) {
        p.push_back(make_payload(PayloadType::kCert, Cert{CertEncoding::kX509Signature, der}));
    }
    if (!config_.trust_anchor_spkis.empty()) {
        CertReq cr;
        for (const auto& spki : config_.trust_anchor_spkis) {
            HNBSEC_TRY(Bytes h, spki_sha1(spki));
            cr.data.insert(cr.data.end(), h.begin(), h.end());
        }
        p.push_back(make_payload(PayloadType::kCertReq, std::move(cr)));
    }
    HNBSEC_CHECK(append_ocsp_certreq(p));
    if (config_.initial_contact) p.push_back(notify_payload(NotifyType::kInitialContact));
    if (config_.remote_id) p.push_back(make_payload(PayloadType::kIdr, *config_.remote_id));
    AuthMethod method{};
    HNBSEC_TRY(Octets auth, sign_auth(init_request_, nonce_peer_, keys_->sk_pi, &method));
    p.push_back(make_payload(PayloadType::kAuth, Auth{method, auth, 0}));
    if (config_.request_address) {
        Cp cp;
        cp.type = CpType::kRequest;
        cp.attributes.push_back(CpAttribute{CpAttributeType::kInternalIp4Address, {}, false});
        if (config_.request_dns)
            cp.attributes.push_back(CpAttribute{CpAttributeType::kInternalIp4Dns, {}, false});
        p.push_back(make_payload(PayloadType::kCp, std::move(cp)));
    }
    if (config_.multiple_auth_supported) p.push_back(notify_payload(NotifyType::kMultipleAuthSupported));
    for (const auto& extra : config_.extra_auth_payloads) p.push_back(extra);
    p.push_back(make_payload(PayloadType::kSa, to_sa(config_.esp_proposals, be32(child_spi_in_))));
    p.push_back(make_payload(PayloadType::kTsi, Ts{or_any(config_.ts_local), 0}));
    p.push_back(make_payload(PayloadType::kTsr, Ts{or_any(config_.ts_remote), 0}));
    state_ = SaState::kAuthSent;
    send_request(ExchangeType::kIkeAuth, p, Outstanding::Purpose::kAuth, now);
    return Ok{};
}

// RFC 4806 §3.1: the initiator asks for OCSP content in IKE_AUTH, naming the responders
// it trusts; the certificate status then needs no separate OCSP round trip.
Status IkeSa::append_ocsp_certreq(std::vector<Payload>& p) const {
    if (!config_.ocsp_responder_hashes) return Ok{};
    CertReq cr;
    cr.encoding = CertEncoding::kOcspContent;
    for (const auto& h : *config_.ocsp_responder_hashes) {
        if (h.size() != 20) {
            return Error("OCSP responder hash of " + std::to_string(h.size()) + " octets, SHA-1 needs 20");
        }
        cr.data.insert(cr.data.end(), h.begin(), h.end());
    }
    p.push_back(make_payload(PayloadType::kCertReq, std::move(cr)));
    return Ok{};
}

// RFC 4806 §3.2: answer CERTREQ(OCSP Content) with CERT(OCSP Content) after our X.509
// certificates; without a stapler, or when it fails, the response simply carries none.
void IkeSa::append_ocsp_staple(std::vector<Payload>& p, const std::optional<std::vector<Bytes>>& requested) {
    if (!requested) return;
    if (!config_.credentials.ocsp_staple) {
        emit(OcspStapleOmitted{"no OCSP stapler configured"});
        return;
    }
    auto staple = config_.credentials.ocsp_staple(*requested);
    if (!staple.ok()) {
        emit(OcspStapleOmitted{"stapler failed: " + staple.error().message()});
        return;
    }
    emit(OcspStapleSent{staple->size()});
    p.push_back(
        make_payload(PayloadType::kCert, Cert{CertEncoding::kOcspContent, std::move(staple).value()}));
}

void IkeSa::on_auth_request(const Message& m, TimePoint now) {
    (void)now;
    const AuthPayloads a = collect(m.payloads, PayloadType::kIdi);
    if (!a.certreq_hashes.empty()) emit(CertificateRequested{a.certreq_hashes});
    if (a.ocsp_hashes) emit(OcspStapleRequested{*a.ocsp_hashes});
    auto refuse = [&](NotifyType type, const std::string& reason) {
        send_response(ExchangeType::kIkeAuth, m.header.message_id, {notify_payload(type)}, true);
        fail(reason, type);
    };
    if (config_.knobs.ike_auth_error) {
        refuse(*config_.knobs.ike_auth_error, "knob: IKE_AUTH answered with an error notify");
        return;
    }
    AuthResult result;
    result.multiple_auth_supported = find_notify(m.payloads, NotifyType::kMultipleAuthSupported) != nullptr;
    result.another_auth_follows = find_notify(m.payloads, NotifyType::kAnotherAuthFollows) != nullptr;
    result.initial_contact = find_notify(m.payloads, NotifyType::kInitialContact) != nullptr;
    if (a.id == nullptr) {
        refuse(NotifyType::kInvalidSyntax, "IKE_AUTH request without IDi");
        return;
    }
    result.peer_id = *a.id;
    if (a.auth == nullptr) {
        // EAP (§2.16): the SecondAuthRound seam decides; without one, or with the
        // placeholder, the exchange fails with the seam's reason.
        auto st = second_auth_round(m.payloads);
        result.reason = "no AUTH payload: " + (st.ok() ? std::string("EAP round") : st.error().message());
        emit(result);
        refuse(NotifyType::kAuthenticationFailed, result.reason);
        return;
    }
    result.method = a.auth->method;
    if (auto st = verify_peer_auth(*a.id, *a.auth, a.certs, init_request_, nonce_local_, keys_->sk_pi);
        !st.ok()) {
        result.reason = st.error().message();
        emit(result);
        refuse(NotifyType::kAuthenticationFailed, "peer authentication failed: " + result.reason);
        return;
    }
    result.ok = true;
    peer_id_ = *a.id;
    emit(result);
    if (result.another_auth_follows) {
        // RFC 4739 §3: a second round follows, handled by the SecondAuthRound seam.
        auto st = second_auth_round(m.payloads);
        refuse(NotifyType::kAuthenticationFailed,
               "second authentication round (RFC 4739): " +
                   (st.ok() ? std::string("multi-round IKE_AUTH not implemented") : st.error().message()));
        return;
    }

    std::vector<Payload> p;
    p.push_back(make_payload(PayloadType::kIdr, config_.local_id));
    for (const auto& der : config_.credentials.chain) {
        p.push_back(make_payload(PayloadType::kCert, Cert{CertEncoding::kX509Signature, der}));
    }
    append_ocsp_staple(p, a.ocsp_hashes);
    AuthMethod method{};
    auto auth = sign_auth(init_response_, nonce_peer_, keys_->sk_pr, &method);
    if (!auth.ok()) {
        refuse(NotifyType::kAuthenticationFailed, "cannot sign our AUTH: " + auth.error().message());
        return;
    }
    p.push_back(make_payload(PayloadType::kAuth, Auth{method, *auth, 0}));

    // The Child SA (§1.2, §2.9, §2.17); its failure leaves the IKE SA up (§1.2).
    std::optional<ChildSa> child;
    auto child_failed = [&](NotifyType type, const std::string& reason) {
        p.push_back(notify_payload(type));
        emit(ExchangeFailed{"CHILD SA not created: " + reason, type});
    };
    std::optional<AddressAssignment> assigned;
    if (a.cp != nullptr && a.cp->type == CpType::kRequest) {
        if (config_.address_pool) {
            auto r = config_.address_pool(*a.id);
            if (r.ok()) assigned = std::move(r).value();
        }
    }
    std::string why;
    std::optional<ChosenProposal> chosen;
    if (a.sa != nullptr) chosen = choose_proposal(*a.sa, esp_specs(), ProtocolId::kEsp, std::nullopt, &why);
    if (a.sa == nullptr || a.tsi == nullptr || a.tsr == nullptr) {
        child_failed(NotifyType::kInvalidSyntax, "SA, TSi or TSr missing");
    } else if (a.cp != nullptr && a.cp->type == CpType::kRequest && !assigned) {
        child_failed(NotifyType::kInternalAddressFailure, "no address from the pool");
    } else if (!chosen) {
        child_failed(NotifyType::kNoProposalChosen, why);
    } else if (chosen->reply.spi.size() != 4) {
        child_failed(NotifyType::kInvalidSyntax,
                     "ESP SPI of " + std::to_string(chosen->reply.spi.size()) + " octets");
    } else {
        auto tsi = narrow(a.tsi->selectors, or_any(config_.ts_remote));
        if (assigned) tsi = narrow(tsi, {ts_single_ip4(assigned->ip4)});
        auto tsr = narrow(a.tsr->selectors, or_any(config_.ts_local));
        auto spi = random_spi32();
        if (tsi.empty() || tsr.empty()) {
            child_failed(NotifyType::kTsUnacceptable, "traffic selectors do not intersect");
        } else if (spi.ok()) {
            auto keys =
                derive_child_sa_keys(suite_.prf, chosen->suite, keys_->sk_d, {}, nonce_peer_, nonce_local_);
            if (!keys.ok()) {
                child_failed(NotifyType::kNoProposalChosen, keys.error().message());
            } else {
                child = ChildSa{*spi,          read_be32(chosen->reply.spi),
                                chosen->suite, chosen->esn,
                                *keys,         false,
                                tsr,           tsi,
                                std::nullopt,  {}};
                if (assigned) {
                    child->inner_address = assigned->ip4;
                    child->inner_dns = assigned->dns4;
                }
                emit(ProposalChosen{ProtocolId::kEsp, chosen->reply.number, chosen->suite});
                if (assigned) {
                    Cp cp;
                    cp.type = CpType::kReply;
                    cp.attributes.push_back(
                        CpAttribute{CpAttributeType::kInternalIp4Address, assigned->ip4, false});
                    for (const auto& dns : assigned->dns4) {
                        cp.attributes.push_back(CpAttribute{CpAttributeType::kInternalIp4Dns, dns, false});
                    }
                    p.push_back(make_payload(PayloadType::kCp, std::move(cp)));
                }
                Proposal reply = chosen->reply;
                reply.spi = be32(*spi);
                p.push_back(make_payload(PayloadType::kSa, Sa{{reply}}));
                p.push_back(make_payload(PayloadType::kTsi, Ts{tsi, 0}));
                p.push_back(make_payload(PayloadType::kTsr, Ts{tsr, 0}));
            }
        }
    }
    send_response(ExchangeType::kIkeAuth, m.header.message_id, p, true);
    if (state_ == SaState::kFailed) return;
    state_ = SaState::kEstablished;
    state_deadline_.reset();
    emit(IkeSaEstablished{spi_i_, spi_r_, suite_, udp_encapsulated()});
    schedule_keepalive();
    if (child) {
        children_.push_back(*child);
        emit(ChildSaUp{*child});
    }
}

void IkeSa::on_auth_response(const Message& m, TimePoint now) {
    (void)now;
    const AuthPayloads a = collect(m.payloads, PayloadType::kIdr);
    if (a.auth == nullptr || a.id == nullptr) {
        auto err = first_error_notify(m.payloads).value_or(NotifyType::kInvalidSyntax);
        if (const Notify* n = find_notify(m.payloads, err))
            emit(NotifyReceived{err, n->data, ExchangeType::kIkeAuth});
        fail("IKE_AUTH refused with " + notify_type_name(err), err);
        return;
    }
    if (a.ocsp_staple) {
        // RFC 4806 §3.2: kept for the H(e)NB role, whose job checking it is.
        peer_ocsp_staple_ = *a.ocsp_staple;
        emit(OcspStapleReceived{*a.ocsp_staple});
    }
    AuthResult result;
    result.peer_id = *a.id;
    result.method = a.auth->method;
    if (auto st = verify_peer_auth(*a.id, *a.auth, a.certs, init_response_, nonce_local_, keys_->sk_pr);
        !st.ok()) {
        result.reason = st.error().message();
        emit(result);
        // §2.21.2: tell the responder in a separate INFORMATIONAL exchange (not retransmitted).
        auto packets = protect(ExchangeType::kInformational, false, next_request_id_++,
                               {notify_payload(NotifyType::kAuthenticationFailed)});
        if (packets.ok()) {
            transmit(*packets, ExchangeType::kInformational, true, next_request_id_ - 1,
                     {PayloadType::kNotify}, false);
        }
        fail("responder authentication failed: " + result.reason, NotifyType::kAuthenticationFailed);
        return;
    }
    result.ok = true;
    peer_id_ = *a.id;
    emit(result);
    state_ = SaState::kEstablished;
    emit(IkeSaEstablished{spi_i_, spi_r_, suite_, udp_encapsulated()});
    schedule_keepalive();

    if (auto err = first_error_notify(m.payloads)) {
        const Notify* n = find_notify(m.payloads, *err);
        emit(NotifyReceived{*err, n != nullptr ? n->data : Bytes{}, ExchangeType::kIkeAuth});
        emit(ExchangeFailed{"CHILD SA not created: " + notify_type_name(*err), *err});
        return;
    }
    std::string why;
    std::optional<ChosenProposal> chosen;
    if (a.sa != nullptr && a.sa->proposals.size() == 1) {
        chosen = choose_proposal(*a.sa, config_.esp_proposals, ProtocolId::kEsp, std::nullopt, &why);
    }
    if (!chosen || chosen->reply.spi.size() != 4 || a.tsi == nullptr || a.tsr == nullptr) {
        emit(ExchangeFailed{"CHILD SA not created: unacceptable SA/TS in IKE_AUTH response " + why,
                            NotifyType::kNoProposalChosen});
        return;
    }
    auto keys = derive_child_sa_keys(suite_.prf, chosen->suite, keys_->sk_d, {}, nonce_local_, nonce_peer_);
    if (!keys.ok()) {
        emit(ExchangeFailed{"CHILD SA keys: " + keys.error().message(), std::nullopt});
        return;
    }
    ChildSa child{child_spi_in_,
                  read_be32(chosen->reply.spi),
                  chosen->suite,
                  chosen->esn,
                  *keys,
                  true,
                  a.tsi->selectors,
                  a.tsr->selectors,
                  std::nullopt,
                  {}};
    if (a.cp != nullptr && a.cp->type == CpType::kReply) {
        for (const auto& attr : a.cp->attributes) {
            if (attr.type == CpAttributeType::kInternalIp4Address && attr.value.size() == 4) {
                child.inner_address = attr.value;
            }
            if (attr.type == CpAttributeType::kInternalIp4Dns && attr.value.size() == 4) {
                child.inner_dns.push_back(attr.value);
            }
        }
    }
    emit(ProposalChosen{ProtocolId::kEsp, chosen->reply.number, chosen->suite});
    children_.push_back(child);
    emit(ChildSaUp{child});
}

// ---- INFORMATIONAL (RFC 7296 §1.4) and CREATE_CHILD_SA (§1.3) -----------------------------

void IkeSa::on_informational_request(const Message& m, TimePoint now) {
    (void)now;
    if (m.payloads.empty() && role_ == Role::kInitiator && !config_.initiator_knobs.answer_liveness) {
        // The request stays unanswered and its message ID unconsumed: every retransmission
        // ends here too, and the peer declares us dead (RFC 7296 §2.4).
        emit(Dropped{"knob: liveness check (INFORMATIONAL " + std::to_string(m.header.message_id) +
                     ") not answered"});
        return;
    }
    std::vector<Payload> reply;
    bool delete_ike = false;
    std::vector<std::uint32_t> deleted_children;
    Delete ours{ProtocolId::kEsp, 4, {}};
    for (const auto& p : m.payloads) {
        if (const auto* d = p.as<Delete>(); d != nullptr && p.type == PayloadType::kDelete) {
            if (d->protocol == ProtocolId::kIke) delete_ike = true;
            if (d->protocol == ProtocolId::kEsp) {
                for (const auto& spi : d->spis) {
                    const std::uint32_t out = read_be32(spi);
                    auto it = std::find_if(children_.begin(), children_.end(),
                                           [&](const ChildSa& c) { return c.spi_out == out; });
                    if (it == children_.end()) continue;  // §1.4.1: unknown SPIs are ignored
                    ours.spis.push_back(be32(it->spi_in));
                    deleted_children.push_back(it->spi_in);
                    children_.erase(it);
                }
            }
        }
        if (const auto* n = p.as<Notify>(); n != nullptr && p.type == PayloadType::kNotify) {
            emit(NotifyReceived{n->type, n->data, ExchangeType::kInformational});
        }
    }
    if (delete_ike) {
        send_response(ExchangeType::kInformational, m.header.message_id, {}, true);
        emit(Deleted{Deleted::Which::kIkeSa, {}, true});
        state_ = SaState::kClosed;
        outstanding_.reset();
        return;
    }
    if (!ours.spis.empty()) reply.push_back(make_payload(PayloadType::kDelete, std::move(ours)));
    send_response(ExchangeType::kInformational, m.header.message_id, reply, true);
    if (!deleted_children.empty()) emit(Deleted{Deleted::Which::kChildSa, deleted_children, true});
}

void IkeSa::on_informational_response(const Message& m, TimePoint now) {
    (void)now;
    (void)m;
    switch (answered_) {
        case Outstanding::Purpose::kDeleteIke:
            emit(Deleted{Deleted::Which::kIkeSa, {}, false});
            state_ = SaState::kClosed;
            return;
        case Outstanding::Purpose::kDeleteChild: {
            std::vector<std::uint32_t> spis;
            for (auto spi : pending_child_delete_) {
                auto it = std::find_if(children_.begin(), children_.end(),
                                       [&](const ChildSa& c) { return c.spi_in == spi; });
                if (it != children_.end()) children_.erase(it);
                spis.push_back(spi);
            }
            pending_child_delete_.clear();
            emit(Deleted{Deleted::Which::kChildSa, spis, false});
            return;
        }
        case Outstanding::Purpose::kLiveness:
            emit(LivenessConfirmed{m.header.message_id});
            return;
        default:
            return;
    }
}

void IkeSa::on_create_child_request(const Message& m, TimePoint now) {
    (void)now;
    const std::uint32_t id = m.header.message_id;
    auto refuse = [&](NotifyType type, const std::string& reason) {
        send_response(ExchangeType::kCreateChildSa, id, {notify_payload(type)}, true);
        emit(ExchangeFailed{"CREATE_CHILD_SA refused: " + reason, type});
    };
    const Sa* sa = find_body<Sa>(m.payloads, PayloadType::kSa);
    const Nonce* ni = find_body<Nonce>(m.payloads, PayloadType::kNonce);
    const Ke* ke = find_body<Ke>(m.payloads, PayloadType::kKe);
    const Ts* tsi = find_body<Ts>(m.payloads, PayloadType::kTsi);
    const Ts* tsr = find_body<Ts>(m.payloads, PayloadType::kTsr);
    if (sa == nullptr || ni == nullptr) {
        refuse(NotifyType::kInvalidSyntax, "SA or Nonce missing");
        return;
    }
    if (!sa->proposals.empty() && sa->proposals.front().protocol == ProtocolId::kIke) {
        on_ike_rekey_request(m, *sa, *ni, ke);
        return;
    }
    if (tsi == nullptr || tsr == nullptr) {
        refuse(NotifyType::kInvalidSyntax, "TSi or TSr missing");
        return;
    }
    // §1.3.3: REKEY_SA carries the SPI the requester receives with, our outbound SPI.
    const ChildSa* old = nullptr;
    if (const Notify* rekey = find_notify(m.payloads, NotifyType::kRekeySa)) {
        const std::uint32_t spi = read_be32(rekey->spi);
        for (const auto& c : children_) {
            if (c.spi_out == spi) old = &c;
        }
        if (old == nullptr) {
            refuse(NotifyType::kChildSaNotFound, "REKEY_SA names unknown SPI " + hex_string(rekey->spi));
            return;
        }
    }
    std::string why;
    auto chosen = choose_proposal(*sa, esp_specs(), ProtocolId::kEsp, std::nullopt, &why);
    if (!chosen || chosen->reply.spi.size() != 4) {
        refuse(NotifyType::kNoProposalChosen, chosen ? "bad ESP SPI size" : why);
        return;
    }
    // PFS (§1.3.1): the KE group must be one of ours.
    std::optional<DhKeyPair> dh;
    Bytes g_ir;
    if (ke != nullptr) {
        const auto group = static_cast<DhGroup>(ke->dh_group);
        bool ours = false;
        for (const auto& spec : esp_specs())
            ours = ours || std::find(spec.dh.begin(), spec.dh.end(), group) != spec.dh.end();
        auto pair = ours ? DhKeyPair::generate(group) : Result<DhKeyPair>(Error("group not acceptable"));
        if (!pair.ok()) {
            refuse(NotifyType::kNoProposalChosen,
                   "PFS group " + to_string(group) + ": " + pair.error().message());
            return;
        }
        auto secret = pair->shared_secret(ke->data);
        if (!secret.ok()) {
            refuse(NotifyType::kInvalidSyntax, "KE: " + secret.error().message());
            return;
        }
        g_ir = std::move(secret).value();
        chosen->suite.dh = group;
        chosen->reply.transforms.push_back(transform(TransformType::kDh, static_cast<std::uint16_t>(group)));
        dh = std::move(pair).value();
    }
    auto ts_i = narrow(tsi->selectors, old != nullptr ? old->ts_remote : or_any(config_.ts_remote));
    auto ts_r = narrow(tsr->selectors, old != nullptr ? old->ts_local : or_any(config_.ts_local));
    if (ts_i.empty() || ts_r.empty()) {
        refuse(NotifyType::kTsUnacceptable, "traffic selectors do not intersect");
        return;
    }
    const Bytes nr = random_bytes(32);
    auto spi = random_spi32();
    auto keys = spi.ok() ? derive_child_sa_keys(suite_.prf, chosen->suite, keys_->sk_d, g_ir, ni->data, nr)
                         : Result<ChildSaKeys>(Error("no SPI"));
    if (!keys.ok()) {
        refuse(NotifyType::kNoProposalChosen, keys.error().message());
        return;
    }
    ChildSa child{*spi,
                  read_be32(chosen->reply.spi),
                  chosen->suite,
                  chosen->esn,
                  *keys,
                  false,
                  ts_r,
                  ts_i,
                  old != nullptr ? old->inner_address : std::nullopt,
                  {}};
    Proposal reply = chosen->reply;
    reply.spi = be32(*spi);
    std::vector<Payload> p;
    p.push_back(make_payload(PayloadType::kSa, Sa{{reply}}));
    p.push_back(make_payload(PayloadType::kNonce, Nonce{nr}));
    if (dh) p.push_back(make_payload(PayloadType::kKe, Ke{ke->dh_group, dh->public_value(), 0}));
    p.push_back(make_payload(PayloadType::kTsi, Ts{ts_i, 0}));
    p.push_back(make_payload(PayloadType::kTsr, Ts{ts_r, 0}));
    send_response(ExchangeType::kCreateChildSa, id, p, true);
    emit(ProposalChosen{ProtocolId::kEsp, chosen->reply.number, chosen->suite});
    children_.push_back(child);
    emit(ChildSaUp{child});
}

Output IkeSa::create_child_sa(TimePoint now, std::optional<std::uint32_t> rekey_spi_in) {
    now_ = now;
    const ChildSa* old = nullptr;
    for (const auto& c : children_) {
        if (rekey_spi_in && c.spi_in == *rekey_spi_in) old = &c;
    }
    if (state_ != SaState::kEstablished || outstanding_ || (rekey_spi_in && old == nullptr) ||
        config_.esp_proposals.empty()) {
        emit(Dropped{"cannot start CREATE_CHILD_SA in state " + state_name(state_)});
        return std::exchange(out_, {});
    }
    auto spi = random_spi32();
    if (!spi.ok()) return std::exchange(out_, {});
    PendingChild pending;
    pending.spi_in = *spi;
    pending.rekeyed_spi_in = rekey_spi_in;
    pending.nonce = random_bytes(32);
    pending.ts_local = old != nullptr ? old->ts_local : or_any(config_.ts_local);
    pending.ts_remote = old != nullptr ? old->ts_remote : or_any(config_.ts_remote);
    std::vector<Payload> p;
    if (rekey_spi_in) {
        p.push_back(notify_payload(NotifyType::kRekeySa, {}, ProtocolId::kEsp, be32(*rekey_spi_in)));
    }
    p.push_back(make_payload(PayloadType::kSa, to_sa(config_.esp_proposals, be32(pending.spi_in))));
    p.push_back(make_payload(PayloadType::kNonce, Nonce{pending.nonce}));
    const auto& pfs = config_.esp_proposals.front().dh;
    if (!pfs.empty() && pfs.front() != DhGroup::kNone) {
        auto dh = DhKeyPair::generate(pfs.front());
        if (!dh.ok()) {
            emit(ExchangeFailed{"PFS key pair: " + dh.error().message(), std::nullopt});
            return std::exchange(out_, {});
        }
        pending.dh = std::move(dh).value();
        p.push_back(make_payload(PayloadType::kKe,
                                 Ke{static_cast<std::uint16_t>(pfs.front()), pending.dh->public_value(), 0}));
    }
    p.push_back(make_payload(PayloadType::kTsi, Ts{pending.ts_local, 0}));
    p.push_back(make_payload(PayloadType::kTsr, Ts{pending.ts_remote, 0}));
    pending_child_ = std::move(pending);
    send_request(ExchangeType::kCreateChildSa, p, Outstanding::Purpose::kCreateChild, now);
    return std::exchange(out_, {});
}

// ---- IKE SA rekeying (RFC 7296 §1.3.2, §2.18) ----------------------------------------------
// The new IKE SA is a new IkeSa (take_successor()); its initiator is whoever started the
// rekey. The Child SAs move to it; the rekey initiator then deletes the old IKE SA.

std::unique_ptr<IkeSa> IkeSa::make_successor(Role role, std::uint64_t spi_i, std::uint64_t spi_r,
                                             const Suite& suite, IkeSaKeys keys) {
    auto next =
        std::make_unique<IkeSa>(role, config_, local_, remote_, role == Role::kInitiator ? spi_i : spi_r);
    next->spi_i_ = spi_i;
    next->spi_r_ = spi_r;
    next->suite_ = suite;
    next->keys_ = std::move(keys);
    next->state_ = SaState::kEstablished;
    next->children_ = std::move(children_);
    children_.clear();
    next->peer_fragmentation_ = peer_fragmentation_;
    next->peer_multiple_auth_ = peer_multiple_auth_;
    next->peer_signature_hashes_ = peer_signature_hashes_;
    next->local_behind_nat_ = local_behind_nat_;
    next->schedule_keepalive();
    next->peer_id_ = peer_id_;
    next->now_ = now_;
    return next;
}

std::unique_ptr<IkeSa> IkeSa::take_successor() {
    return std::move(successor_);
}

Output IkeSa::rekey_ike_sa(TimePoint now) {
    now_ = now;
    if (state_ != SaState::kEstablished || outstanding_) {
        emit(Dropped{"cannot rekey the IKE SA in state " + state_name(state_)});
        return std::exchange(out_, {});
    }
    auto spi = random_spi64();
    auto dh = DhKeyPair::generate(suite_.dh);
    if (!spi.ok() || !dh.ok()) {
        emit(ExchangeFailed{"cannot prepare IKE SA rekey", std::nullopt});
        return std::exchange(out_, {});
    }
    PendingIkeRekey pending{*spi, random_bytes(32), std::move(dh).value()};
    std::vector<Payload> p;
    p.push_back(make_payload(PayloadType::kSa, to_sa(ike_specs(), be64(pending.spi))));
    p.push_back(make_payload(PayloadType::kNonce, Nonce{pending.nonce}));
    p.push_back(make_payload(PayloadType::kKe,
                             Ke{static_cast<std::uint16_t>(suite_.dh), pending.dh->public_value(), 0}));
    pending_ike_rekey_ = std::move(pending);
    send_request(ExchangeType::kCreateChildSa, p, Outstanding::Purpose::kCreateChild, now);
    return std::exchange(out_, {});
}

void IkeSa::on_ike_rekey_request(const Message& m, const Sa& sa, const Nonce& ni, const Ke* ke) {
    const std::uint32_t id = m.header.message_id;
    auto refuse = [&](NotifyType type, Bytes data, const std::string& reason) {
        send_response(ExchangeType::kCreateChildSa, id, {notify_payload(type, std::move(data))}, true);
        emit(ExchangeFailed{"IKE SA rekey refused: " + reason, type});
    };
    if (pending_ike_rekey_) {
        // §2.25.2: simultaneous rekeying; we keep ours.
        refuse(NotifyType::kTemporaryFailure, {}, "our own rekey is in progress");
        return;
    }
    std::string why;
    const auto group =
        ke != nullptr ? std::optional<DhGroup>(static_cast<DhGroup>(ke->dh_group)) : std::nullopt;
    auto chosen = choose_proposal(sa, ike_specs(), ProtocolId::kIke, group, &why);
    if (!chosen || chosen->reply.spi.size() != 8 || ke == nullptr) {
        refuse(NotifyType::kNoProposalChosen, {}, chosen ? "SPI size or KE missing" : why);
        return;
    }
    if (static_cast<std::uint16_t>(chosen->suite.dh) != ke->dh_group) {
        refuse(NotifyType::kInvalidKePayload, be16(static_cast<std::uint16_t>(chosen->suite.dh)), "KE group");
        return;
    }
    auto spi = random_spi64();
    auto dh = DhKeyPair::generate(chosen->suite.dh);
    if (!spi.ok() || !dh.ok()) {
        refuse(NotifyType::kNoProposalChosen, {}, "cannot generate SPI or key pair");
        return;
    }
    std::uint64_t peer_spi = 0;
    for (auto b : chosen->reply.spi) peer_spi = (peer_spi << 8) | b;
    const Bytes nr = random_bytes(32);
    auto derive = [&]() -> Result<IkeSaKeys> {
        HNBSEC_TRY(Octets g_ir, dh->shared_secret(ke->data));
        HNBSEC_TRY(Octets seed, rekey_skeyseed(suite_.prf, keys_->sk_d, g_ir, ni.data, nr));
        return derive_ike_sa_keys(chosen->suite, seed, ni.data, nr, be64(peer_spi), be64(*spi));
    };
    auto keys = derive();
    if (!keys.ok()) {
        refuse(NotifyType::kInvalidSyntax, {}, keys.error().message());
        return;
    }
    Proposal reply = chosen->reply;
    reply.spi = be64(*spi);
    send_response(ExchangeType::kCreateChildSa, id,
                  {make_payload(PayloadType::kSa, Sa{{reply}}), make_payload(PayloadType::kNonce, Nonce{nr}),
                   make_payload(PayloadType::kKe, Ke{ke->dh_group, dh->public_value(), 0})},
                  true);
    emit(ProposalChosen{ProtocolId::kIke, reply.number, chosen->suite});
    emit(IkeSaRekeyed{spi_i_, spi_r_, peer_spi, *spi, chosen->suite});
    successor_ = make_successor(Role::kResponder, peer_spi, *spi, chosen->suite, std::move(keys).value());
}

void IkeSa::on_ike_rekey_response(const Message& m, TimePoint now) {
    PendingIkeRekey pending = std::move(*pending_ike_rekey_);
    pending_ike_rekey_.reset();
    if (auto err = first_error_notify(m.payloads)) {
        const Notify* n = find_notify(m.payloads, *err);
        emit(NotifyReceived{*err, n != nullptr ? n->data : Bytes{}, ExchangeType::kCreateChildSa});
        emit(ExchangeFailed{"IKE SA rekey refused with " + notify_type_name(*err), *err});
        return;
    }
    const Sa* sa = find_body<Sa>(m.payloads, PayloadType::kSa);
    const Nonce* nr = find_body<Nonce>(m.payloads, PayloadType::kNonce);
    const Ke* ke = find_body<Ke>(m.payloads, PayloadType::kKe);
    std::string why = "SA, Nonce or KE missing";
    std::optional<ChosenProposal> chosen;
    if (sa != nullptr && sa->proposals.size() == 1) {
        chosen = choose_proposal(*sa, ike_specs(), ProtocolId::kIke, pending.dh->group(), &why);
    }
    if (!chosen || chosen->reply.spi.size() != 8 || nr == nullptr || ke == nullptr ||
        ke->dh_group != static_cast<std::uint16_t>(pending.dh->group())) {
        emit(ExchangeFailed{"IKE SA rekey response unacceptable: " + why, NotifyType::kNoProposalChosen});
        return;
    }
    std::uint64_t peer_spi = 0;
    for (auto b : chosen->reply.spi) peer_spi = (peer_spi << 8) | b;
    auto derive = [&]() -> Result<IkeSaKeys> {
        HNBSEC_TRY(Octets g_ir, pending.dh->shared_secret(ke->data));
        HNBSEC_TRY(Octets seed, rekey_skeyseed(suite_.prf, keys_->sk_d, g_ir, pending.nonce, nr->data));
        return derive_ike_sa_keys(chosen->suite, seed, pending.nonce, nr->data, be64(pending.spi),
                                  be64(peer_spi));
    };
    auto keys = derive();
    if (!keys.ok()) {
        emit(ExchangeFailed{"IKE SA rekey keys: " + keys.error().message(), std::nullopt});
        return;
    }
    emit(ProposalChosen{ProtocolId::kIke, chosen->reply.number, chosen->suite});
    emit(IkeSaRekeyed{spi_i_, spi_r_, pending.spi, peer_spi, chosen->suite});
    successor_ =
        make_successor(Role::kInitiator, pending.spi, peer_spi, chosen->suite, std::move(keys).value());
    // §1.3.2: the rekey initiator deletes the old IKE SA.
    send_request(ExchangeType::kInformational,
                 {make_payload(PayloadType::kDelete, Delete{ProtocolId::kIke, 0, {}})},
                 Outstanding::Purpose::kDeleteIke, now);
    if (state_ != SaState::kFailed) state_ = SaState::kDeleting;
}

void IkeSa::on_create_child_response(const Message& m, TimePoint now) {
    if (pending_ike_rekey_) {
        on_ike_rekey_response(m, now);
        return;
    }
    if (!pending_child_) return;
    PendingChild pending = std::move(*pending_child_);
    pending_child_.reset();
    if (auto err = first_error_notify(m.payloads)) {
        const Notify* n = find_notify(m.payloads, *err);
        emit(NotifyReceived{*err, n != nullptr ? n->data : Bytes{}, ExchangeType::kCreateChildSa});
        emit(ExchangeFailed{"CREATE_CHILD_SA refused with " + notify_type_name(*err), *err});
        return;
    }
    const Sa* sa = find_body<Sa>(m.payloads, PayloadType::kSa);
    const Nonce* nr = find_body<Nonce>(m.payloads, PayloadType::kNonce);
    const Ke* ke = find_body<Ke>(m.payloads, PayloadType::kKe);
    const Ts* tsi = find_body<Ts>(m.payloads, PayloadType::kTsi);
    const Ts* tsr = find_body<Ts>(m.payloads, PayloadType::kTsr);
    std::string why = "SA, Nonce, TSi or TSr missing";
    std::optional<ChosenProposal> chosen;
    if (sa != nullptr && sa->proposals.size() == 1) {
        chosen = choose_proposal(*sa, config_.esp_proposals, ProtocolId::kEsp, std::nullopt, &why);
    }
    if (!chosen || chosen->reply.spi.size() != 4 || nr == nullptr || tsi == nullptr || tsr == nullptr ||
        (pending.dh.has_value() != (ke != nullptr))) {
        emit(ExchangeFailed{"CREATE_CHILD_SA response unacceptable: " + why, NotifyType::kNoProposalChosen});
        return;
    }
    Bytes g_ir;
    if (pending.dh) {
        auto secret = pending.dh->shared_secret(ke->data);
        if (!secret.ok() || ke->dh_group != static_cast<std::uint16_t>(pending.dh->group())) {
            emit(ExchangeFailed{"CREATE_CHILD_SA KE unacceptable", NotifyType::kInvalidKePayload});
            return;
        }
        g_ir = std::move(secret).value();
        chosen->suite.dh = pending.dh->group();
    }
    auto keys = derive_child_sa_keys(suite_.prf, chosen->suite, keys_->sk_d, g_ir, pending.nonce, nr->data);
    if (!keys.ok()) {
        emit(ExchangeFailed{"CHILD SA keys: " + keys.error().message(), std::nullopt});
        return;
    }
    std::optional<Bytes> inner;
    for (const auto& c : children_) {
        if (pending.rekeyed_spi_in && c.spi_in == *pending.rekeyed_spi_in) inner = c.inner_address;
    }
    ChildSa child{pending.spi_in, read_be32(chosen->reply.spi),
                  chosen->suite,  chosen->esn,
                  *keys,          true,
                  tsi->selectors, tsr->selectors,
                  inner,          {}};
    emit(ProposalChosen{ProtocolId::kEsp, chosen->reply.number, chosen->suite});
    children_.push_back(child);
    emit(ChildSaUp{child});
    // §2.8: the rekey initiator deletes the old Child SA.
    if (pending.rekeyed_spi_in) {
        pending_child_delete_ = {*pending.rekeyed_spi_in};
        send_request(ExchangeType::kInformational,
                     {make_payload(PayloadType::kDelete,
                                   Delete{ProtocolId::kEsp, 4, {be32(*pending.rekeyed_spi_in)}})},
                     Outstanding::Purpose::kDeleteChild, now);
    }
}

Output IkeSa::delete_ike_sa(TimePoint now) {
    now_ = now;
    if (state_ != SaState::kEstablished || outstanding_) {
        emit(Dropped{"cannot delete the IKE SA in state " + state_name(state_) +
                     (outstanding_ ? " with a request outstanding" : "")});
        return std::exchange(out_, {});
    }
    send_request(ExchangeType::kInformational,
                 {make_payload(PayloadType::kDelete, Delete{ProtocolId::kIke, 0, {}})},
                 Outstanding::Purpose::kDeleteIke, now);
    if (state_ != SaState::kFailed) state_ = SaState::kDeleting;
    return std::exchange(out_, {});
}

Output IkeSa::delete_child_sa(std::uint32_t spi_in, TimePoint now) {
    now_ = now;
    auto it = std::find_if(children_.begin(), children_.end(),
                           [&](const ChildSa& c) { return c.spi_in == spi_in; });
    if (state_ != SaState::kEstablished || outstanding_ || it == children_.end()) {
        emit(Dropped{"cannot delete CHILD SA in state " + state_name(state_)});
        return std::exchange(out_, {});
    }
    pending_child_delete_ = {spi_in};
    send_request(ExchangeType::kInformational,
                 {make_payload(PayloadType::kDelete, Delete{ProtocolId::kEsp, 4, {be32(spi_in)}})},
                 Outstanding::Purpose::kDeleteChild, now);
    return std::exchange(out_, {});
}

Output IkeSa::send_liveness_check(TimePoint now) {
    now_ = now;
    if (state_ != SaState::kEstablished || outstanding_) {
        emit(Dropped{"cannot check liveness in state " + state_name(state_)});
        return std::exchange(out_, {});
    }
    send_request(ExchangeType::kInformational, {}, Outstanding::Purpose::kLiveness, now);
    return std::exchange(out_, {});
}

// ---- timers (RFC 7296 §2.1, RFC 7383 §2.6) ----------------------------------------------

// RFC 3948 §2.3, RFC 7296 §2.23: the end behind a NAT keeps its mapping alive.
void IkeSa::schedule_keepalive() {
    const auto interval = config_.nat.keepalive_interval;
    if (local_behind_nat_ && udp_encapsulated() && interval.count() > 0) {
        keepalive_deadline_ = now_ + interval;
    }
}

std::optional<TimePoint> IkeSa::next_deadline() const {
    std::optional<TimePoint> d = state_deadline_;
    if (keepalive_deadline_ && (state_ == SaState::kEstablished || state_ == SaState::kDeleting) &&
        (!d || *keepalive_deadline_ < *d)) {
        d = keepalive_deadline_;
    }
    if (outstanding_ && (!d || outstanding_->deadline < *d)) d = outstanding_->deadline;
    if (reassembly_ && (!d || reassembly_->deadline < *d)) d = reassembly_->deadline;
    if (delayed_until_ && (!d || *delayed_until_ < *d)) d = delayed_until_;
    return d;
}

Output IkeSa::on_timer(TimePoint now) {
    now_ = now;
    if (state_deadline_ && now >= *state_deadline_) {
        state_deadline_.reset();
        if (state_ == SaState::kInitResponded) {
            fail("half-open IKE SA timed out: no IKE_AUTH request within " +
                 std::to_string(config_.timeouts.half_open.count()) + " s");
        } else if (state_ == SaState::kFailed) {
            state_ = SaState::kClosed;
        }
    }
    if (keepalive_deadline_ && now >= *keepalive_deadline_) {
        keepalive_deadline_.reset();
        if (state_ == SaState::kEstablished || state_ == SaState::kDeleting) {
            out_.datagrams.push_back(Datagram{local_, remote_, Bytes{0xff}});
            emit(NatKeepaliveSent{remote_});
            schedule_keepalive();
        }
    }
    if (delayed_until_ && now >= *delayed_until_) {
        delayed_until_.reset();
        if (cached_)
            transmit(cached_->packets, cached_->exchange, false, cached_->message_id, cached_->payloads,
                     false);
    }
    if (reassembly_ && now >= reassembly_->deadline) {
        emit(Dropped{"reassembly of message id " + std::to_string(reassembly_->message_id) +
                     " timed out with " + std::to_string(reassembly_->plaintexts.size()) + "/" +
                     std::to_string(reassembly_->total) + " fragments"});
        reassembly_.reset();
    }
    if (outstanding_ && now >= outstanding_->deadline) {
        const auto& policy = config_.retransmit;
        if (outstanding_->tries >= policy.max_tries) {
            fail("no response to " + exchange_type_name(outstanding_->exchange) + " request id " +
                 std::to_string(outstanding_->message_id) + " after " + std::to_string(outstanding_->tries) +
                 " transmissions");
        } else {
            const double scale = std::pow(policy.factor, outstanding_->tries);
            ++outstanding_->tries;
            outstanding_->deadline = now + std::chrono::duration_cast<Clock::duration>(policy.base * scale);
            transmit(outstanding_->packets, outstanding_->exchange, true, outstanding_->message_id,
                     outstanding_->payloads, true);
        }
    }
    return std::exchange(out_, {});
}

}  // namespace hnbsec::ike
