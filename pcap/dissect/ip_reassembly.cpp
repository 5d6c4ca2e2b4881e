#include "pcap/dissect/ip_reassembly.h"

#include <algorithm>

namespace hnbsec::pcap {

std::optional<std::vector<std::uint8_t>> IpReassembly::add(const Key& key, std::size_t offset,
                                                           bool more_fragments,
                                                           std::span<const std::uint8_t> payload) {
    const std::size_t end = offset + payload.size();
    if (end > 65535) return std::nullopt;  // RFC 791 Total Length, RFC 8200 Payload Length: 16 bits
    auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Datagram& d) { return d.key == key; });
    if (it == pending_.end()) {
        if (pending_.size() >= kMaxDatagrams) pending_.pop_front();
        pending_.push_back(Datagram{key, {}, {}, std::nullopt});
        it = std::prev(pending_.end());
    }
    Datagram& d = *it;
    if (d.bytes.size() < end) d.bytes.resize(end);
    std::copy(payload.begin(), payload.end(), d.bytes.begin() + static_cast<std::ptrdiff_t>(offset));
    d.pieces.emplace_back(offset, end);
    if (!more_fragments) d.total = end;
    if (!d.total) return std::nullopt;
    std::sort(d.pieces.begin(), d.pieces.end());
    std::size_t covered = 0;
    for (const auto& [b, e] : d.pieces) {
        if (b > covered) return std::nullopt;  // a hole
        covered = std::max(covered, e);
    }
    if (covered < *d.total) return std::nullopt;
    std::vector<std::uint8_t> whole = std::move(d.bytes);
    whole.resize(*d.total);
    pending_.erase(it);
    return whole;
}

}  // namespace hnbsec::pcap
