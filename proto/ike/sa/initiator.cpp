#include "proto/ike/sa/initiator.h"

#include "proto/ike/decode.h"
#include "proto/ike/sa/wire.h"

namespace hnbsec::ike {

IkeInitiator::IkeInitiator(IkeSaConfig config, Endpoint local, Endpoint remote)
    : sa_(std::make_unique<IkeSa>(Role::kInitiator, std::move(config), std::move(local), std::move(remote))) {
}

void IkeInitiator::adopt_successor() {
    if (auto next = sa_->take_successor()) {
        old_ = std::move(sa_);
        sa_ = std::move(next);
    }
    if (old_ && (old_->state() == SaState::kClosed || old_->state() == SaState::kFailed) &&
        !old_->next_deadline()) {
        old_.reset();
    }
}

std::optional<TimePoint> IkeInitiator::next_deadline() const {
    auto d = sa_->next_deadline();
    if (old_) {
        auto o = old_->next_deadline();
        if (o && (!d || *o < *d)) d = o;
    }
    return d;
}

Output IkeInitiator::on_timer(TimePoint now) {
    Output out = sa_->on_timer(now);
    if (old_) out.append(old_->on_timer(now));
    adopt_successor();
    return out;
}

Output IkeInitiator::rekey_ike_sa(TimePoint now) {
    Output out = sa_->rekey_ike_sa(now);
    adopt_successor();
    return out;
}

Output IkeInitiator::handle_datagram(const Datagram& datagram, TimePoint now) {
    Output out;
    auto ike = ike_bytes_of(datagram, &out.events);
    if (!ike) return out;
    auto m = decode_message(*ike);
    if (!m.ok()) {
        out.events.push_back(DecodeError{m.error().message(), error_offset(m.error().message())});
        return out;
    }
    auto matches = [&](const IkeSa& sa) {
        return m->header.spi_i == sa.spi_i() &&
               (m->header.spi_r == sa.spi_r() || m->header.exchange_type == ExchangeType::kIkeSaInit);
    };
    IkeSa* target = matches(*sa_) ? sa_.get() : (old_ && matches(*old_) ? old_.get() : nullptr);
    if (target == nullptr) {
        out.events.push_back(UnknownSpi{m->header.spi_i, m->header.spi_r, false});
        return out;
    }
    out.append(target->handle_message(*m, *ike, datagram, now));
    adopt_successor();
    return out;
}

}  // namespace hnbsec::ike
