#include "proto/ike/sa/responder.h"

#include <openssl/evp.h>

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/decode.h"
#include "proto/ike/sa/wire.h"
#include "proto/ike/udp_encapsulation.h"

namespace hnbsec::ike {

namespace {

Datagram reply_to(const Datagram& in, const Bytes& ike) {
    return Datagram{in.local, in.remote, in.local.port == kNatTPort ? with_non_esp_marker(ike) : ike};
}

}  // namespace

IkeResponder::IkeResponder(IkeSaConfig config) : config_(std::move(config)) {
    auto secret = random_octets(32);
    cookie_secret_ = secret.ok() ? std::move(secret).value() : Bytes(32, 0x42);
}

// RFC 7296 §2.6: Cookie = Hash(Ni | IPi | SPIi | <secret>).
Result<Bytes> IkeResponder::cookie_for(const Bytes& nonce, const Endpoint& remote,
                                       std::uint64_t spi_i) const {
    Bytes data = nonce;
    data.insert(data.end(), remote.ip.begin(), remote.ip.end());
    Bytes spi = be64(spi_i);
    data.insert(data.end(), spi.begin(), spi.end());
    data.insert(data.end(), cookie_secret_.begin(), cookie_secret_.end());
    Bytes out(32);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha256(), nullptr) != 1) {
        return Error("cookie hash failed");
    }
    return out;
}

std::size_t IkeResponder::half_open() const {
    std::size_t n = 0;
    for (const auto& [spi, sa] : sas_) n += sa->state() == SaState::kInitResponded ? 1 : 0;
    return n;
}

IkeSa* IkeResponder::find(std::uint64_t spi_r) {
    auto it = sas_.find(spi_r);
    return it == sas_.end() ? nullptr : it->second.get();
}

std::vector<IkeSa*> IkeResponder::sas() {
    std::vector<IkeSa*> out;
    for (auto& [spi, sa] : sas_) out.push_back(sa.get());
    return out;
}

Output IkeResponder::handle_datagram(const Datagram& datagram, TimePoint now) {
    Output out;
    auto ike = ike_bytes_of(datagram, &out.events);
    if (!ike) return out;
    DecodeFailure failure;
    auto decoded = decode_message(*ike, &failure);
    if (!decoded.ok()) {
        out.events.push_back(DecodeError{decoded.error().message(), error_offset(decoded.error().message())});
        return out;
    }
    const Message& m = *decoded;
    const IkeHeader& h = m.header;

    if (h.exchange_type == ExchangeType::kIkeSaInit && !h.response() && h.spi_r == 0) {
        if (h.spi_i == 0) {
            out.events.push_back(Dropped{"IKE_SA_INIT request with a zero initiator SPI (RFC 7296 §3.1)"});
            return out;
        }
        auto key = std::make_pair(h.spi_i, datagram.remote);
        if (auto it = init_index_.find(key); it != init_index_.end()) {
            if (IkeSa* sa = find(it->second)) {
                out.append(sa->handle_message(m, *ike, datagram, now));
                reap();
                return out;
            }
        }
        const auto& knobs = config_.knobs;
        const bool need_cookie = knobs.force_cookie || half_open() >= knobs.half_open_cookie_threshold;
        if (need_cookie) {
            const Payload* first = m.payloads.empty() ? nullptr : &m.payloads.front();
            const Notify* got = first != nullptr ? first->as<Notify>() : nullptr;
            const Payload* nonce_payload = m.find(PayloadType::kNonce);
            const Nonce* nonce = nonce_payload != nullptr ? nonce_payload->as<Nonce>() : nullptr;
            auto expected = cookie_for(nonce != nullptr ? nonce->data : Bytes{}, datagram.remote, h.spi_i);
            if (!expected.ok()) return out;
            if (got == nullptr || got->type != NotifyType::kCookie || got->data != *expected) {
                out.events.push_back(
                    MessageReceived{h.exchange_type, true, h.message_id, payload_types(m.payloads), m, 0});
                IkeHeader rh;
                rh.spi_i = h.spi_i;
                rh.exchange_type = ExchangeType::kIkeSaInit;
                rh.flags = kFlagResponse;
                rh.message_id = h.message_id;
                std::vector<Payload> p{notify_payload(NotifyType::kCookie, *expected)};
                auto bytes = encode_plain(rh, p);
                if (!bytes.ok()) return out;
                out.datagrams.push_back(reply_to(datagram, *bytes));
                out.events.push_back(CookieSent{datagram.remote});
                out.events.push_back(MessageSent{ExchangeType::kIkeSaInit, false, h.message_id,
                                                 payload_types(p), 1, false, datagram.remote});
                return out;
            }
        }
        auto sa = std::make_unique<IkeSa>(Role::kResponder, config_, datagram.local, datagram.remote);
        out.append(sa->handle_message(m, *ike, datagram, now));
        if (sa->state() != SaState::kClosed && sa->state() != SaState::kFailed) {
            init_index_[key] = sa->spi_r();
            sas_[sa->spi_r()] = std::move(sa);
        }
        return out;
    }

    // The I flag names the original initiator (§3.1): our SPI is the other one. After we
    // rekeyed the IKE SA we are the new SA's initiator (§2.18).
    const std::uint64_t local_spi = h.initiator() ? h.spi_r : h.spi_i;
    IkeSa* sa = local_spi != 0 ? find(local_spi) : nullptr;
    if (sa == nullptr) {
        UnknownSpi e{h.spi_i, h.spi_r, false};
        // §2.21.4: a request outside any known SA MAY get an unprotected INVALID_IKE_SPI;
        // responses are never answered.
        if (!h.response() && config_.knobs.answer_invalid_ike_spi) {
            IkeHeader rh = h;
            rh.flags = static_cast<std::uint8_t>(kFlagResponse);
            rh.exchange_type = ExchangeType::kInformational;
            auto bytes = encode_plain(rh, {notify_payload(NotifyType::kInvalidIkeSpi)});
            if (bytes.ok()) {
                out.datagrams.push_back(reply_to(datagram, *bytes));
                e.answered_invalid_ike_spi = true;
            }
        }
        out.events.push_back(e);
        return out;
    }
    out.append(sa->handle_message(m, *ike, datagram, now));
    reap();
    return out;
}

void IkeResponder::reap() {
    std::vector<std::unique_ptr<IkeSa>> successors;
    for (auto& [spi, sa] : sas_) {
        if (auto next = sa->take_successor()) successors.push_back(std::move(next));
    }
    for (auto& next : successors) {
        const std::uint64_t spi = next->spi_local();
        sas_[spi] = std::move(next);
    }
    for (auto it = sas_.begin(); it != sas_.end();) {
        if (it->second->state() == SaState::kClosed) {
            for (auto ix = init_index_.begin(); ix != init_index_.end();) {
                ix = ix->second == it->first ? init_index_.erase(ix) : std::next(ix);
            }
            it = sas_.erase(it);
        } else {
            ++it;
        }
    }
}

std::optional<TimePoint> IkeResponder::next_deadline() const {
    std::optional<TimePoint> d;
    for (const auto& [spi, sa] : sas_) {
        auto t = sa->next_deadline();
        if (t && (!d || *t < *d)) d = t;
    }
    return d;
}

Output IkeResponder::on_timer(TimePoint now) {
    Output out;
    for (auto& [spi, sa] : sas_) out.append(sa->on_timer(now));
    reap();
    return out;
}

}  // namespace hnbsec::ike
