#pragma once
// The SeGW's data plane: the ESP SAs of every Child SA the responder holds, fed from two
// sides. ESP packets arriving on UDP 4500 (RFC 3948) are opened and their inner packets
// handed to the core network (the TUN device); inner packets coming back from the core
// network are routed by destination address to the Child SA of the device that owns it and
// sealed towards that device's current endpoint (after a NAT-T port float, too).
//
// Transport-free like the IKE layer: the service moves bytes and passes the time. Every
// ESP packet received or dropped, and every inner packet refused, is a TunnelEvent.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "proto/esp/esp_sa.h"
#include "proto/ike/sa/ike_sa.h"

namespace hnbsec::segw {

struct TunnelEvent {
    enum class Direction : std::uint8_t { kFromDevice, kToDevice };
    Direction direction = Direction::kFromDevice;
    std::uint32_t spi = 0;  // 0 when no SA was found
    std::uint64_t seq = 0;
    std::string outcome;  // esp::inbound_outcome_name(), or "sealed", "no route", "seal failed"
    std::string summary;  // the inner packet, one line
    std::string reason;   // why it was refused, empty when delivered
    ike::Endpoint peer;
};
std::string to_string(const TunnelEvent& event);

// A Child SA whose lifetime asks for a rekey (RFC 4301 §4.4.2.1 soft limit).
struct RekeyDue {
    std::uint64_t ike_spi = 0;  // the responder's SPI of the IKE SA that owns it
    std::uint32_t spi_in = 0;
};

class SegwTunnel {
public:
    explicit SegwTunnel(esp::EspSaOptions options = {}) : options_(options) {}

    // Brings the ESP SAs in line with the Child SAs the IKE SAs hold: new ones installed,
    // deleted ones removed, the rest keep their sequence numbers and replay windows.
    // Returns events for Child SAs whose keys could not be installed.
    std::vector<TunnelEvent> reconcile(const std::vector<const ike::IkeSa*>& sas, ike::TimePoint now);
    // The same for one IKE SA (nullptr: it is gone), in time logarithmic in the number of
    // Child SAs: what the service does after each datagram, for the SAs it touched.
    std::vector<TunnelEvent> sync(std::uint64_t ike_spi, const ike::IkeSa* sa, ike::TimePoint now);

    struct Inbound {
        TunnelEvent event;
        std::optional<esp::Bytes> inner;  // to write into the core network
    };
    // An ESP packet (without UDP header; no non-ESP marker) from `from`.
    Inbound from_device(esp::ByteSpan esp_packet, const ike::Endpoint& from, ike::TimePoint now);

    struct Outbound {
        TunnelEvent event;
        std::optional<esp::Bytes> esp_packet;  // to send to event.peer on UDP 4500
    };
    // An inner packet the core network routes towards the devices.
    Outbound to_device(esp::ByteSpan inner, ike::TimePoint now);

    // Child SAs past a soft lifetime, each reported once.
    std::vector<RekeyDue> rekeys_due(ike::TimePoint now);

    std::size_t size() const { return children_.size(); }

private:
    struct Child {
        std::uint64_t ike_spi = 0;
        std::uint64_t order = 0;  // installation order: the newest wins the outbound route
        ike::Endpoint peer;
        esp::OutboundSa outbound;
        esp::InboundSa inbound;
        bool rekey_reported = false;
    };
    Child* route_for(esp::ByteSpan destination);
    void install(const ike::IkeSa& sa, const ike::ChildSa& child, ike::TimePoint now,
                 std::vector<TunnelEvent>& events);
    void remove(std::uint32_t spi_in);
    static std::optional<esp::Bytes> single_address(const Child& child);

    esp::EspSaOptions options_;
    std::map<std::uint32_t, Child> children_;                  // by inbound SPI
    std::map<std::uint64_t, std::set<std::uint32_t>> by_ike_;  // IKE SA -> its Child SAs' inbound SPIs
    std::map<esp::Bytes, std::uint32_t> by_address_;           // device inner address -> newest Child SA
    std::uint64_t next_order_ = 0;
};

}  // namespace hnbsec::segw
