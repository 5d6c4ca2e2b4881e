#pragma once
// IkeResponder: the SeGW-side table of IKE SAs. Routes datagrams by responder SPI (and
// initiator SPI + address for IKE_SA_INIT retransmissions), creates an SA per new
// IKE_SA_INIT, applies the COOKIE policy (RFC 7296 §2.6) and answers unknown SPIs with
// INVALID_IKE_SPI where §2.21.4 allows.
//
// Every operation is logarithmic in the number of SAs: a SeGW under load holds thousands.
// After each call into an SA, settle() updates the indexes that depend on its state (its
// deadline, whether it is half-open, its successor after a rekey, its removal once closed),
// so no entry point walks the whole table.

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "proto/ike/sa/ike_sa.h"

namespace hnbsec::ike {

class IkeResponder {
public:
    explicit IkeResponder(IkeSaConfig config);

    Output handle_datagram(const Datagram& datagram, TimePoint now);
    std::optional<TimePoint> next_deadline();
    Output on_timer(TimePoint now);

    // The config new SAs copy; a test case sets knobs here before the peer starts.
    IkeSaConfig& config() { return config_; }
    // Our SPI: the responder SPI, or ours after we rekeyed. The caller may act on the SA
    // (send a Delete, a liveness check, ...): it is re-indexed at the next entry point.
    IkeSa* find(std::uint64_t spi_local);
    std::vector<const IkeSa*> sas() const;
    // Read-only, and without the re-indexing find() implies.
    const IkeSa* peek(std::uint64_t spi_local) const;
    // The SPIs of the SAs the last entry point (handle_datagram, on_timer) acted on,
    // removed ones included: what a data plane must bring in line, without a full scan.
    const std::vector<std::uint64_t>& touched() const { return touched_; }
    std::size_t half_open() const;

private:
    using InitKey = std::pair<std::uint64_t, Endpoint>;  // initiator SPI + address of its IKE_SA_INIT
    struct Entry {
        std::unique_ptr<IkeSa> sa;
        std::optional<InitKey> init_key;
        std::optional<TimePoint> deadline;  // as indexed in deadlines_
        bool half_open = false;             // as counted in half_open_
    };

    Result<Bytes> cookie_for(const Bytes& nonce, const Endpoint& remote, std::uint64_t spi_i) const;
    IkeSa* lookup(std::uint64_t spi);
    void add(std::unique_ptr<IkeSa> sa, std::optional<InitKey> init_key);
    void settle(std::uint64_t spi);
    void settle_handed_out();  // the SAs find() gave out since the last entry point

    IkeSaConfig config_;
    Bytes cookie_secret_;
    std::map<std::uint64_t, Entry> sas_;
    std::map<InitKey, std::uint64_t> init_index_;
    std::set<std::pair<TimePoint, std::uint64_t>> deadlines_;
    std::size_t half_open_ = 0;
    std::set<std::uint64_t> handed_out_;
    std::vector<std::uint64_t> touched_;
};

}  // namespace hnbsec::ike
