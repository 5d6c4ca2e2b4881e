#pragma once
// IkeInitiator: drives one IKE SA as the original initiator (the emulated H(e)NB) to
// establishment, then carries its INFORMATIONAL exchanges.

#include <memory>
#include <optional>

#include "proto/ike/sa/ike_sa.h"

namespace hnbsec::ike {

class IkeInitiator {
public:
    IkeInitiator(IkeSaConfig config, Endpoint local, Endpoint remote);

    Output start(TimePoint now) { return sa_->start(now); }
    // Routes by SPIs to the current SA or the one being replaced by a rekey; messages of
    // neither become UnknownSpi events.
    Output handle_datagram(const Datagram& datagram, TimePoint now);
    std::optional<TimePoint> next_deadline() const;
    Output on_timer(TimePoint now);

    // The current SA (after an IKE SA rekey, the new one).
    IkeSa& sa() { return *sa_; }
    const IkeSa& sa() const { return *sa_; }
    bool established() const { return sa_->state() == SaState::kEstablished; }
    // Operations on the current SA that may produce a successor go through here.
    Output rekey_ike_sa(TimePoint now);

private:
    void adopt_successor();

    std::unique_ptr<IkeSa> sa_;
    std::unique_ptr<IkeSa> old_;  // the rekeyed SA until its deletion completes
};

}  // namespace hnbsec::ike
