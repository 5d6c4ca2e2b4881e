#include "pcap/dissect/tcp_streams.h"

#include <algorithm>

namespace hnbsec::pcap {

TcpStreams::Flow& TcpStreams::flow(const FlowKey& key) {
    for (auto& f : flows_) {
        if (f.key == key) return f;
    }
    if (flows_.size() >= kMaxFlows) flows_.pop_front();
    flows_.push_back(Flow{key, false, 0, {}});
    return flows_.back();
}

std::vector<std::uint8_t>& TcpStreams::add(const FlowKey& key, std::uint32_t sequence, bool syn,
                                           std::span<const std::uint8_t> payload) {
    Flow& f = flow(key);
    if (syn) {
        // SYN consumes one sequence number (RFC 9293 §3.4).
        f.started = true;
        f.next = sequence + 1;
        f.buffer.clear();
        sequence += 1;
    }
    if (payload.empty()) return f.buffer;
    if (!f.started) {
        f.started = true;
        f.next = sequence;
    }
    // Signed distance in sequence space: negative = old bytes (retransmission).
    const auto ahead = static_cast<std::int32_t>(sequence - f.next);
    if (ahead > 0) {
        f.buffer.clear();  // lost bytes: what is buffered can never complete
        f.next = sequence;
    } else if (ahead < 0) {
        const auto old = static_cast<std::size_t>(-static_cast<std::int64_t>(ahead));
        if (old >= payload.size()) return f.buffer;
        payload = payload.subspan(old);
    }
    if (f.buffer.size() + payload.size() > kMaxBuffered) f.buffer.clear();
    f.buffer.insert(f.buffer.end(), payload.begin(), payload.end());
    f.next += static_cast<std::uint32_t>(payload.size());
    return f.buffer;
}

void TcpStreams::consume(const FlowKey& key, std::size_t n) {
    Flow& f = flow(key);
    n = std::min(n, f.buffer.size());
    f.buffer.erase(f.buffer.begin(), f.buffer.begin() + static_cast<std::ptrdiff_t>(n));
}

}  // namespace hnbsec::pcap
