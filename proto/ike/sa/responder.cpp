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
    return half_open_;
}

IkeSa* IkeResponder::lookup(std::uint64_t spi) {
    auto it = sas_.find(spi);
    return it == sas_.end() ? nullptr : it->second.sa.get();
}

const IkeSa* IkeResponder::peek(std::uint64_t spi_local) const {
    auto it = sas_.find(spi_local);
    return it == sas_.end() ? nullptr : it->second.sa.get();
}

IkeSa* IkeResponder::find(std::uint64_t spi_local) {
    IkeSa* sa = lookup(spi_local);
    if (sa != nullptr) handed_out_.insert(spi_local);
    return sa;
}

void IkeResponder::settle_handed_out() {
    auto spis = std::move(handed_out_);
    handed_out_.clear();
    for (std::uint64_t spi : spis) settle(spi);
}

std::vector<const IkeSa*> IkeResponder::sas() const {
    std::vector<const IkeSa*> out;
    out.reserve(sas_.size());
    for (auto& [spi, entry] : sas_) out.push_back(entry.sa.get());
    return out;
}

void IkeResponder::add(std::unique_ptr<IkeSa> sa, std::optional<InitKey> init_key) {
    const std::uint64_t spi = sa->spi_local();
    if (init_key) init_index_[*init_key] = spi;
    sas_[spi] = Entry{std::move(sa), std::move(init_key), std::nullopt, false};
    settle(spi);
}

void IkeResponder::settle(std::uint64_t spi) {
    auto it = sas_.find(spi);
    if (it == sas_.end()) return;
    touched_.push_back(spi);
    Entry& entry = it->second;
    // A completed IKE SA rekey (RFC 7296 §1.3.2) hands out the new SA under its own SPI.
    if (auto successor = entry.sa->take_successor()) add(std::move(successor), std::nullopt);

    if (entry.deadline) deadlines_.erase({*entry.deadline, spi});
    if (entry.half_open) --half_open_;
    if (entry.sa->state() == SaState::kClosed) {
        if (entry.init_key) init_index_.erase(*entry.init_key);
        sas_.erase(it);
        return;
    }
    entry.half_open = entry.sa->state() == SaState::kInitResponded;
    if (entry.half_open) ++half_open_;
    entry.deadline = entry.sa->next_deadline();
    if (entry.deadline) deadlines_.insert({*entry.deadline, spi});
}

Output IkeResponder::handle_datagram(const Datagram& datagram, TimePoint now) {
    touched_.clear();
    settle_handed_out();
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
            if (IkeSa* sa = lookup(it->second)) {
                out.append(sa->handle_message(m, *ike, datagram, now));
                settle(it->second);
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
        if (sa->state() != SaState::kClosed && sa->state() != SaState::kFailed) add(std::move(sa), key);
        return out;
    }

    // The I flag names the original initiator (§3.1): our SPI is the other one. After we
    // rekeyed the IKE SA we are the new SA's initiator (§2.18).
    const std::uint64_t local_spi = h.initiator() ? h.spi_r : h.spi_i;
    IkeSa* sa = local_spi != 0 ? lookup(local_spi) : nullptr;
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
    settle(local_spi);
    return out;
}

std::optional<TimePoint> IkeResponder::next_deadline() {
    settle_handed_out();
    if (deadlines_.empty()) return std::nullopt;
    return deadlines_.begin()->first;
}

Output IkeResponder::on_timer(TimePoint now) {
    touched_.clear();
    settle_handed_out();
    Output out;
    // Only the SAs whose deadline has come; each is settled (and re-indexed) right after.
    std::vector<std::uint64_t> due;
    for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it)
        due.push_back(it->second);
    for (std::uint64_t spi : due) {
        if (IkeSa* sa = lookup(spi)) {
            out.append(sa->on_timer(now));
            settle(spi);
        }
    }
    return out;
}

}  // namespace hnbsec::ike
