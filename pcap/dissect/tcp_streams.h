#pragma once
// Per-direction TCP byte streams (RFC 9293 §3.4 sequence numbers), enough to find TLS
// records and HTTP messages that span segments. In-order data is appended; a
// retransmission's old bytes are skipped; a gap (lost segment) restarts the stream at
// the new segment. Bounded: kMaxFlows flows, kMaxBuffered octets each.

#include <cstdint>
#include <deque>
#include <span>
#include <vector>

#include "pcap/dissect/dissection.h"

namespace hnbsec::pcap {

class TcpStreams {
public:
    struct FlowKey {
        Address source;
        Address destination;
        std::uint16_t source_port = 0;
        std::uint16_t destination_port = 0;
        bool operator==(const FlowKey&) const = default;
    };
    // Adds a segment; returns the flow's buffer of not yet consumed bytes (valid until
    // the next call), which the caller consumes from the front with consume().
    std::vector<std::uint8_t>& add(const FlowKey& key, std::uint32_t sequence, bool syn,
                                   std::span<const std::uint8_t> payload);
    void consume(const FlowKey& key, std::size_t n);

private:
    struct Flow {
        FlowKey key;
        bool started = false;
        std::uint32_t next = 0;
        std::vector<std::uint8_t> buffer;
    };
    Flow& flow(const FlowKey& key);
    static constexpr std::size_t kMaxFlows = 64;
    static constexpr std::size_t kMaxBuffered = std::size_t{1088} * 1024;  // an HTTP body + head
    std::deque<Flow> flows_;
};

}  // namespace hnbsec::pcap
