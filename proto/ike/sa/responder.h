#pragma once
// IkeResponder: the SeGW-side table of IKE SAs. Routes datagrams by responder SPI (and
// initiator SPI + address for IKE_SA_INIT retransmissions), creates an SA per new
// IKE_SA_INIT, applies the COOKIE policy (RFC 7296 §2.6) and answers unknown SPIs with
// INVALID_IKE_SPI where §2.21.4 allows.

#include <map>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include "proto/ike/sa/ike_sa.h"

namespace hnbsec::ike {

class IkeResponder {
public:
    explicit IkeResponder(IkeSaConfig config);

    Output handle_datagram(const Datagram& datagram, TimePoint now);
    std::optional<TimePoint> next_deadline() const;
    Output on_timer(TimePoint now);

    // The config new SAs copy; a test case sets knobs here before the peer starts.
    IkeSaConfig& config() { return config_; }
    IkeSa* find(std::uint64_t spi_local);  // our SPI: the responder SPI, or ours after we rekeyed
    std::vector<IkeSa*> sas();
    std::size_t half_open() const;

private:
    Result<Bytes> cookie_for(const Bytes& nonce, const Endpoint& remote, std::uint64_t spi_i) const;
    void reap();

    IkeSaConfig config_;
    Bytes cookie_secret_;
    std::map<std::uint64_t, std::unique_ptr<IkeSa>> sas_;
    std::map<std::pair<std::uint64_t, Endpoint>, std::uint64_t> init_index_;
};

}  // namespace hnbsec::ike
