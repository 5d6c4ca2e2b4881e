#include "harness/roles/segw/segw_tunnel.h"

#include <algorithm>
#include <set>

#include "proto/esp/inner_packet.h"

namespace hnbsec::segw {
namespace {

std::string spi_hex(std::uint32_t spi) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s += kDigits[(spi >> shift) & 0xf];
    return s;
}

bool in_range(esp::ByteSpan address, const ike::TrafficSelector& ts) {
    if (address.size() != ts.start_address.size() || address.size() != ts.end_address.size()) return false;
    const esp::Bytes a(address.begin(), address.end());
    return ts.start_address <= a && a <= ts.end_address;  // big-endian octets compare as numbers
}

}  // namespace

std::string to_string(const TunnelEvent& e) {
    const bool in = e.direction == TunnelEvent::Direction::kFromDevice;
    std::string s = std::string("ESP ") + (in ? "from " : "to ");
    s += e.peer.ip.empty() ? std::string(in ? "?" : "no device") : ike::to_string(e.peer);
    if (e.spi != 0) s += " spi " + spi_hex(e.spi) + " seq " + std::to_string(e.seq);
    s += ": " + e.outcome;
    if (!e.summary.empty()) s += ", " + e.summary;
    if (!e.reason.empty()) s += " (" + e.reason + ")";
    return s;
}

namespace {

bool carries_traffic(const ike::IkeSa& sa) {
    return sa.state() == ike::SaState::kEstablished || sa.state() == ike::SaState::kDeleting;
}

}  // namespace

std::optional<esp::Bytes> SegwTunnel::single_address(const Child& child) {
    const auto& remote = child.outbound.config().ts_remote;
    if (remote.size() != 1 || remote.front().start_address != remote.front().end_address) return std::nullopt;
    return remote.front().start_address;
}

void SegwTunnel::install(const ike::IkeSa& sa, const ike::ChildSa& child, ike::TimePoint now,
                         std::vector<TunnelEvent>& events) {
    if (auto it = children_.find(child.spi_in); it != children_.end()) {
        if (it->second.ike_spi != sa.spi_local()) {  // moved to a rekeyed IKE SA (RFC 7296 §2.8)
            if (auto old = by_ike_.find(it->second.ike_spi); old != by_ike_.end()) {
                old->second.erase(child.spi_in);
                if (old->second.empty()) by_ike_.erase(old);
            }
            it->second.ike_spi = sa.spi_local();
            by_ike_[sa.spi_local()].insert(child.spi_in);
        }
        it->second.peer = sa.remote();  // follows a NAT-T float or a NAT rebinding
        return;
    }
    auto pair = esp::esp_sas_from_child(child, now, options_);
    if (!pair.ok()) {
        TunnelEvent e;
        e.spi = child.spi_in;
        e.peer = sa.remote();
        e.outcome = "not installed";
        e.reason = pair.error().message();
        events.push_back(std::move(e));
        return;
    }
    auto [it, inserted] =
        children_.emplace(child.spi_in, Child{sa.spi_local(), next_order_++, sa.remote(),
                                              std::move(pair->outbound), std::move(pair->inbound), false});
    by_ike_[sa.spi_local()].insert(child.spi_in);
    if (auto address = single_address(it->second)) by_address_[*address] = child.spi_in;  // the newest wins
}

void SegwTunnel::remove(std::uint32_t spi) {
    auto it = children_.find(spi);
    if (it == children_.end()) return;
    if (auto owner = by_ike_.find(it->second.ike_spi); owner != by_ike_.end()) {
        owner->second.erase(spi);
        if (owner->second.empty()) by_ike_.erase(owner);
    }
    const std::optional<esp::Bytes> address = single_address(it->second);
    children_.erase(it);
    if (!address) return;
    auto routed = by_address_.find(*address);
    if (routed == by_address_.end() || routed->second != spi) return;
    // The route falls back to the newest other Child SA for the address (after a rekey the
    // old one is deleted last, so this scan is rare).
    by_address_.erase(routed);
    const Child* best = nullptr;
    std::uint32_t best_spi = 0;
    for (const auto& [other_spi, other] : children_) {
        if (single_address(other) == address && (best == nullptr || other.order > best->order)) {
            best = &other;
            best_spi = other_spi;
        }
    }
    if (best != nullptr) by_address_[*address] = best_spi;
}

std::vector<TunnelEvent> SegwTunnel::reconcile(const std::vector<const ike::IkeSa*>& sas,
                                               ike::TimePoint now) {
    std::vector<TunnelEvent> events;
    std::set<std::uint32_t> alive;
    for (const ike::IkeSa* sa : sas) {
        if (!carries_traffic(*sa)) continue;
        for (const ike::ChildSa& child : sa->child_sas()) {
            alive.insert(child.spi_in);
            install(*sa, child, now, events);
        }
    }
    std::vector<std::uint32_t> gone;
    for (const auto& [spi, child] : children_) {
        if (!alive.contains(spi)) gone.push_back(spi);
    }
    for (std::uint32_t spi : gone) remove(spi);
    return events;
}

std::vector<TunnelEvent> SegwTunnel::sync(std::uint64_t ike_spi, const ike::IkeSa* sa, ike::TimePoint now) {
    std::vector<TunnelEvent> events;
    std::set<std::uint32_t> alive;
    if (sa != nullptr && carries_traffic(*sa)) {
        for (const ike::ChildSa& child : sa->child_sas()) {
            alive.insert(child.spi_in);
            install(*sa, child, now, events);
        }
    }
    // A Child SA of this IKE SA that it no longer holds was deleted (or its IKE SA went).
    if (auto it = by_ike_.find(ike_spi); it != by_ike_.end()) {
        const std::set<std::uint32_t> owned = it->second;
        for (std::uint32_t spi : owned) {
            if (!alive.contains(spi)) remove(spi);
        }
    }
    return events;
}

SegwTunnel::Inbound SegwTunnel::from_device(esp::ByteSpan esp_packet, const ike::Endpoint& from,
                                            ike::TimePoint now) {
    Inbound result;
    TunnelEvent& e = result.event;
    e.direction = TunnelEvent::Direction::kFromDevice;
    e.peer = from;
    esp::InboundResult opened;
    if (esp_packet.size() < 4) {
        opened.outcome = esp::InboundOutcome::kTruncated;
        opened.reason = "ESP packet of " + std::to_string(esp_packet.size()) + " octets has no SPI";
    } else {
        const std::uint32_t spi = (std::uint32_t{esp_packet[0]} << 24) |
                                  (std::uint32_t{esp_packet[1]} << 16) | (std::uint32_t{esp_packet[2]} << 8) |
                                  std::uint32_t{esp_packet[3]};
        auto it = children_.find(spi);
        if (it == children_.end()) {
            opened.outcome = esp::InboundOutcome::kUnknownSpi;
            opened.spi = spi;
            opened.reason = "no Child SA has inbound SPI " + spi_hex(spi) + " (RFC 4303 §3.4.2)";
        } else {
            opened = it->second.inbound.open(esp_packet, now);
        }
    }
    e.spi = opened.spi;
    e.seq = opened.seq;
    e.outcome = std::string(esp::inbound_outcome_name(opened.outcome));
    e.summary = opened.summary;
    e.reason = opened.reason;
    if (opened.accepted()) result.inner = std::move(opened.inner);
    return result;
}

SegwTunnel::Child* SegwTunnel::route_for(esp::ByteSpan destination) {
    // A device's Child SA covers exactly its inner address (the SeGW narrows TSi to it):
    // found by address. Wider selectors (a device routing a subnet) take the scan below.
    if (auto it = by_address_.find(esp::Bytes(destination.begin(), destination.end()));
        it != by_address_.end()) {
        if (auto child = children_.find(it->second); child != children_.end()) return &child->second;
    }
    Child* best = nullptr;
    for (auto& [spi, child] : children_) {
        const auto& remote = child.outbound.config().ts_remote;
        const bool matches = std::any_of(remote.begin(), remote.end(), [&](const ike::TrafficSelector& ts) {
            return in_range(destination, ts);
        });
        if (matches && (best == nullptr || child.order > best->order)) best = &child;
    }
    return best;
}

SegwTunnel::Outbound SegwTunnel::to_device(esp::ByteSpan inner, ike::TimePoint now) {
    Outbound result;
    TunnelEvent& e = result.event;
    e.direction = TunnelEvent::Direction::kToDevice;
    auto parsed = esp::parse_inner_packet(inner);
    if (!parsed.ok()) {
        e.outcome = "dropped";
        e.reason = "the core network sent no well-formed IP packet: " + parsed.error().message();
        return result;
    }
    e.summary = parsed->summary;
    Child* child = route_for(parsed->destination);
    if (child == nullptr) {
        e.outcome = "no route";
        e.reason = "no Child SA covers " + esp::address_to_string(parsed->destination);
        return result;
    }
    e.peer = child->peer;
    e.spi = child->outbound.spi();
    e.seq = child->outbound.next_sequence();
    auto sealed = child->outbound.seal(inner, now);
    if (!sealed.ok()) {
        e.outcome = "seal failed";
        e.reason = sealed.error().message();
        return result;
    }
    e.outcome = "sealed";
    result.esp_packet = std::move(sealed).value();
    return result;
}

std::vector<RekeyDue> SegwTunnel::rekeys_due(ike::TimePoint now) {
    std::vector<RekeyDue> due;
    for (auto& [spi, child] : children_) {
        if (child.rekey_reported) continue;
        const bool soft = child.outbound.lifetime_state(now) != esp::LifetimeState::kActive ||
                          child.inbound.lifetime_state(now) != esp::LifetimeState::kActive;
        if (!soft) continue;
        child.rekey_reported = true;
        due.push_back(RekeyDue{child.ike_spi, spi});
    }
    return due;
}

}  // namespace hnbsec::segw
