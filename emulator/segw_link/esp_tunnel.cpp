#include "emulator/segw_link/esp_tunnel.h"

#include <set>

#include <fmt/format.h>

namespace hnbsec::emulator {

std::vector<std::string> EspTunnel::sync(const std::vector<ike::ChildSa>& children, ike::TimePoint now) {
    std::vector<std::string> lines;
    std::set<std::uint32_t> held;
    for (const ike::ChildSa& child : children) {
        held.insert(child.spi_in);
        if (children_.contains(child.spi_in)) continue;
        auto pair = esp::esp_sas_from_child(child, now);
        if (!pair.ok()) {
            lines.push_back(
                fmt::format("ESP SA in 0x{:08x} not installed: {}", child.spi_in, pair.error().message()));
            continue;
        }
        lines.push_back(fmt::format("ESP SA installed: in 0x{:08x} out 0x{:08x} {}", child.spi_in,
                                    child.spi_out, pair->outbound.transform_name()));
        children_.emplace(child.spi_in,
                          Child{next_order_++, std::move(pair->outbound), std::move(pair->inbound)});
    }
    for (auto it = children_.begin(); it != children_.end();) {
        if (held.contains(it->first)) {
            ++it;
            continue;
        }
        lines.push_back(
            fmt::format("ESP SA removed: in 0x{:08x} out 0x{:08x}", it->first, it->second.outbound.spi()));
        it = children_.erase(it);
    }
    return lines;
}

Result<esp::Bytes> EspTunnel::seal(esp::ByteSpan inner, ike::TimePoint now) {
    Child* newest = nullptr;
    for (auto& [spi, child] : children_) {
        if (newest == nullptr || child.order > newest->order) newest = &child;
    }
    if (newest == nullptr) return Error("no ESP SA to send with");
    return newest->outbound.seal(inner, now);
}

esp::InboundResult EspTunnel::open(esp::ByteSpan packet, ike::TimePoint now, bool replay_check) {
    esp::InboundResult result;
    if (packet.size() < 4) {
        result.outcome = esp::InboundOutcome::kTruncated;
        result.reason = "ESP packet of " + std::to_string(packet.size()) + " octets has no SPI";
        return result;
    }
    const std::uint32_t spi = (std::uint32_t{packet[0]} << 24) | (std::uint32_t{packet[1]} << 16) |
                              (std::uint32_t{packet[2]} << 8) | std::uint32_t{packet[3]};
    auto it = children_.find(spi);
    if (it == children_.end()) {
        result.outcome = esp::InboundOutcome::kUnknownSpi;
        result.spi = spi;
        result.reason = fmt::format("no ESP SA with SPI 0x{:08x} (RFC 4303 §3.4.2)", spi);
        return result;
    }
    if (replay_check) return it->second.inbound.open(packet, now);
    auto fresh = esp::InboundSa::create(it->second.inbound.config(), now);
    if (!fresh.ok()) {
        result.outcome = esp::InboundOutcome::kExpired;
        result.spi = spi;
        result.reason = fresh.error().message();
        return result;
    }
    return fresh->open(packet, now);
}

}  // namespace hnbsec::emulator
