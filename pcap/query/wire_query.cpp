#include "pcap/query/wire_query.h"

#include <algorithm>

#include "proto/ike/constants.h"

namespace hnbsec::pcap::query {
namespace {

constexpr std::uint8_t kNtpModeClient = 3;  // RFC 5905 §7.3
constexpr std::uint8_t kTlsHandshake = 22;  // RFC 8446 §5.1 ContentType
constexpr std::uint8_t kClientHello = 1;    // RFC 8446 §4 HandshakeType
constexpr std::size_t kCitedAtMost = 10;    // packets named in a reason line

PacketRef ref_of(const TimelineRecord& r) {
    return PacketRef{r.number, r.inner()};
}

// Calls `fn` for every record from the DUT: outer records by source address, inner ones
// by the outer packet that carried them (it precedes them in the timeline).
template <typename Fn>
void for_each_from_dut(std::span<const TimelineRecord> records, const Address& dut, Fn&& fn) {
    std::uint64_t last_outer_from_dut = 0;
    for (const auto& r : records) {
        bool from_dut = false;
        if (r.inner()) {
            from_dut = r.outer_number == last_outer_from_dut || r.direction == Direction::kFromDut;
        } else {
            from_dut = r.dissection.source == dut;
            last_outer_from_dut = from_dut ? r.number : 0;
        }
        if (from_dut && !fn(r)) return;
    }
}

// An IP fragment held for reassembly: the packet that completes it carries the verdict.
bool pending_fragment(const PacketDissection& d) {
    return !d.layers.empty() && d.layers.back() == Layer::kIpFragment;
}

std::string top_layer(const PacketDissection& d) {
    if (d.layers.empty()) return "no layers";
    return std::string(layer_name(d.layers.back()));
}

std::string cite(std::span<const PacketRef> refs) {
    if (refs.size() <= kCitedAtMost) return to_string(refs);
    return to_string(refs.first(kCitedAtMost)) + " and " + std::to_string(refs.size() - kCitedAtMost) +
           " more";
}

bool contains(const std::vector<std::uint8_t>& v, std::uint8_t x) {
    return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace

std::string to_string(const PacketRef& ref) {
    return std::to_string(ref.number) + (ref.inner ? " (inner)" : "");
}

std::string to_string(std::span<const PacketRef> refs) {
    std::string out;
    for (const auto& r : refs) {
        if (!out.empty()) out += ", ";
        out += to_string(r);
    }
    return out;
}

std::vector<PacketRef> sent_by_dut(std::span<const TimelineRecord> records, const Address& dut,
                                   std::int64_t after_ns) {
    std::vector<PacketRef> out;
    for_each_from_dut(records, dut, [&](const TimelineRecord& r) {
        if (r.time_ns > after_ns) out.push_back(ref_of(r));
        return true;
    });
    return out;
}

Verdict cleartext_from_dut(std::span<const TimelineRecord> records, const Address& dut) {
    Verdict v;
    std::vector<PacketRef> checked;
    std::string first_kind;
    for_each_from_dut(records, dut, [&](const TimelineRecord& r) {
        // Inner packets travelled inside ESP: the outer one is what crossed the backhaul.
        if (r.inner()) return true;
        const auto& d = r.dissection;
        if (pending_fragment(d)) return true;
        if (d.has(Layer::kIke) || d.has(Layer::kEsp) || d.has(Layer::kNatKeepalive)) {
            checked.push_back(ref_of(r));
            return true;
        }
        if (v.evidence.empty()) first_kind = top_layer(d);
        v.evidence.push_back(ref_of(r));
        return true;
    });
    if (!v.evidence.empty()) {
        v.holds = false;
        v.reason = "the DUT sent " + std::to_string(v.evidence.size()) +
                   " packet(s) in clear outside IKE/ESP/NAT-T keepalive (first: " + first_kind +
                   "): packets " + cite(v.evidence);
        return v;
    }
    v.holds = true;
    v.reason =
        "all " + std::to_string(checked.size()) + " packet(s) from the DUT were IKE, ESP or NAT-T keepalive";
    v.evidence = std::move(checked);
    return v;
}

Verdict first_ntp_request_inside_esp(std::span<const TimelineRecord> records, const Address& dut) {
    Verdict v;
    const TimelineRecord* found = nullptr;
    for_each_from_dut(records, dut, [&](const TimelineRecord& r) {
        if (r.dissection.ntp && r.dissection.ntp->mode == kNtpModeClient) {
            found = &r;
            return false;
        }
        return true;
    });
    if (found == nullptr) {
        v.reason = "the DUT sent no NTP request";
        return v;
    }
    v.evidence.push_back(ref_of(*found));
    v.holds = found->inner();
    v.reason = v.holds ? "the DUT's first NTP request was inside ESP: packet " + to_string(v.evidence)
                       : "the DUT's first NTP request left in clear: packet " + to_string(v.evidence);
    return v;
}

Verdict only_ike_delete_after(std::span<const TimelineRecord> records, const Address& dut,
                              std::uint64_t after_number, bool allow_keepalives) {
    Verdict v;
    std::vector<PacketRef> deletes;
    std::string first_kind;
    const auto delete_type = static_cast<std::uint8_t>(ike::PayloadType::kDelete);
    const auto informational = static_cast<std::uint8_t>(ike::ExchangeType::kInformational);
    for_each_from_dut(records, dut, [&](const TimelineRecord& r) {
        if (r.number <= after_number || r.inner()) return true;
        const auto& d = r.dissection;
        std::string kind;
        if (pending_fragment(d) || (d.has(Layer::kNatKeepalive) && allow_keepalives)) return true;
        if (d.ike && d.ike->exchange_type == informational) {
            const auto& ike = *d.ike;
            const bool readable =
                ike.decryption == IkeDecryption::kDecrypted || ike.decryption == IkeDecryption::kNotProtected;
            if (ike.decryption == IkeDecryption::kFragmentPending) return true;  // judged when complete
            if (readable && (ike.response || contains(ike.inner_payloads, delete_type) ||
                             contains(ike.payloads, delete_type))) {
                deletes.push_back(ref_of(r));
                return true;
            }
            kind = readable ? "INFORMATIONAL without Delete"
                            : "INFORMATIONAL not decrypted (" +
                                  std::string(ike_decryption_name(ike.decryption)) + ")";
        } else {
            kind = d.ike ? "IKE exchange " + std::to_string(d.ike->exchange_type) : top_layer(d);
        }
        if (v.evidence.empty()) first_kind = kind;
        v.evidence.push_back(ref_of(r));
        return true;
    });
    const std::string after = "after packet " + std::to_string(after_number);
    if (!v.evidence.empty()) {
        v.reason = after + " the DUT sent " + std::to_string(v.evidence.size()) +
                   " packet(s) other than IKE DELETE (first: " + first_kind + "): packets " +
                   cite(v.evidence);
        return v;
    }
    v.holds = true;
    v.reason = deletes.empty() ? after + " the DUT sent nothing"
                               : after + " the DUT sent only IKE DELETE: packets " + cite(deletes);
    v.evidence = std::move(deletes);
    return v;
}

std::optional<std::uint64_t> first_commented(std::span<const TimelineRecord> records,
                                             std::string_view prefix) {
    for (const auto& r : records) {
        if (!r.inner() && r.comment.starts_with(prefix)) return r.number;
    }
    return std::nullopt;
}

ClientHelloVersions client_hello_versions(std::span<const TimelineRecord> records, const Address& dut) {
    ClientHelloVersions out;
    for_each_from_dut(records, dut, [&](const TimelineRecord& r) {
        const auto& tls = r.dissection.tls;
        if (!tls || !contains(tls->content_types, kTlsHandshake) ||
            !contains(tls->handshake_types, kClientHello)) {
            return true;
        }
        out.found = true;
        out.legacy_version = tls->hello_version;
        out.offered = tls->supported_versions.empty() ? std::vector<std::uint16_t>{tls->hello_version}
                                                      : tls->supported_versions;
        out.evidence.push_back(ref_of(r));
        return false;
    });
    return out;
}

}  // namespace hnbsec::pcap::query
