#pragma once
// One ESP Security Association in tunnel mode (RFC 4303), transport-free: OutboundSa turns
// an inner IPv4/IPv6 packet into an ESP packet, InboundSa turns an ESP packet back into the
// inner packet, with a named outcome for every packet it refuses. The caller moves the
// bytes (UDP 4500, RFC 3948: see udp_encap.h) and passes the time.
//
// ESP packet (§2): SPI | Sequence Number | IV | ciphertext of
//   (inner packet | Padding 1,2,3.. | Pad Length | Next Header 4/41) | ICV

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "proto/esp/esp_transform.h"
#include "proto/esp/inner_packet.h"
#include "proto/esp/lifetime.h"
#include "proto/esp/replay_window.h"
#include "proto/esp/types.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::esp {

// Everything one direction of a Child SA needs.
struct EspSaConfig {
    std::uint32_t spi = 0;
    ike::Suite suite;
    Bytes encryption_key;                                // with the 4-octet salt for AES-GCM
    Bytes integrity_key;                                 // empty for AES-GCM
    bool esn = false;                                    // Extended Sequence Numbers (RFC 4303 §2.2.1)
    std::uint32_t replay_window = kDefaultReplayWindow;  // inbound only
    LifetimeLimits lifetime;
    // Inbound: the inner source must lie in ts_remote and the destination in ts_local.
    std::vector<ike::TrafficSelector> ts_local;
    std::vector<ike::TrafficSelector> ts_remote;
};

// Deliberate departures from RFC 4303 with which a conformance test probes a peer's
// receiver; the default seals a correct packet.
struct SealFaults {
    std::optional<std::uint8_t> next_header;  // instead of 4/41
    std::optional<Bytes> padding;             // these padding octets instead of 1,2,3..
    bool flip_icv = false;                    // invert the ICV's last octet
};

class OutboundSa {
public:
    static Result<OutboundSa> create(const EspSaConfig& config, TimePoint now);

    std::uint32_t spi() const { return config_.spi; }
    const EspSaConfig& config() const { return config_; }
    std::string transform_name() const { return transform_.name(); }

    // The ESP packet carrying `inner` (an IPv4 or IPv6 packet: the version nibble picks
    // Next Header). Fails when the SA is hard-expired, the sequence space is exhausted
    // (§3.3.3: no wrap without ESN, the SA must be rekeyed), or `inner` is no IP packet.
    Result<Bytes> seal(ByteSpan inner, TimePoint now, const SealFaults& faults = {});

    std::uint64_t next_sequence() const { return next_seq_; }
    // For tests near the end of the sequence space; the next packet carries `seq`.
    void set_next_sequence(std::uint64_t seq) { next_seq_ = seq; }

    // kRekeyDue also when fewer than 2^20 sequence numbers are left without ESN;
    // kExpired when none is left.
    LifetimeState lifetime_state(TimePoint now) const;
    const Lifetime& lifetime() const { return lifetime_; }

private:
    OutboundSa(EspSaConfig config, EspTransform transform, TimePoint now);

    EspSaConfig config_;
    EspTransform transform_;
    Lifetime lifetime_;
    std::uint64_t next_seq_ = 1;  // §3.3.3: the first packet carries 1
};

enum class InboundOutcome : std::uint8_t {
    kAccepted,
    kDummy,          // authentic TFC dummy packet, Next Header 59 (§2.6): discarded silently
    kReplayed,       // sequence number already received inside the window (§3.4.3)
    kTooOld,         // left of the replay window
    kBadIcv,         // integrity check failed (§3.4.4)
    kUnknownSpi,     // no SA for the SPI (§3.4.2)
    kBadPadding,     // padding not 1,2,3.. or Pad Length beyond the payload (§2.4)
    kBadNextHeader,  // neither IPv4 (4), IPv6 (41) nor 59, or not what the inner packet is
    kTruncated,      // too short for header, IV, a block and ICV, or not block-aligned
    kBadInner,       // the decrypted payload is no well-formed IP packet
    kTsMismatch,     // inner addresses outside the SA's traffic selectors (RFC 4301 §5.2)
    kExpired,        // the SA passed a hard lifetime
};

// "accepted", "dummy", "replayed", "outside window", "bad ICV", "unknown SPI",
// "bad padding", "bad next header", "truncated", "bad inner packet", "TS mismatch", "expired".
std::string_view inbound_outcome_name(InboundOutcome outcome);

struct InboundResult {
    InboundOutcome outcome = InboundOutcome::kTruncated;
    std::uint32_t spi = 0;
    std::uint64_t seq = 0;  // full (ESN-inferred) sequence number, when read
    Bytes inner;            // the inner packet (kAccepted; also kTsMismatch, for evidence)
    std::string summary;    // "ICMP 10.77.0.1 > 10.78.0.1 echo-request id 3 seq 1"
    std::string reason;     // why, for refused packets, in a lab engineer's words

    bool accepted() const { return outcome == InboundOutcome::kAccepted; }
};

class InboundSa {
public:
    static Result<InboundSa> create(const EspSaConfig& config, TimePoint now);

    std::uint32_t spi() const { return config_.spi; }
    const EspSaConfig& config() const { return config_; }
    std::string transform_name() const { return transform_.name(); }

    // RFC 4303 §3.4: SPI, length, lifetime, replay check, ICV, replay window update (only
    // after the ICV verified), decryption, padding, Next Header, inner packet, selectors.
    InboundResult open(ByteSpan esp, TimePoint now);
    // open() for a reader of many packets (a capture's decryption): the same checks and
    // outcome, but the payload is decrypted into `inner`, which then holds the inner
    // packet (for kAccepted and kTsMismatch; unspecified otherwise) with its capacity
    // reused from call to call, and the result carries neither a copy nor a summary.
    // `ahead`: the ICV check (and decryption into `inner`) was already run on exactly
    // these octets with this SA's keys, by EspTransform::open() on another thread; its
    // outcome is taken instead of running it again. Only for an SA without ESN, whose
    // sequence number is the packet's own (ignored otherwise).
    InboundResult open_into(ByteSpan esp, TimePoint now, Bytes& inner, std::optional<bool> ahead = {});

    const ReplayWindow& replay_window() const { return window_; }
    LifetimeState lifetime_state(TimePoint now) const { return lifetime_.state(now); }
    const Lifetime& lifetime() const { return lifetime_; }

private:
    InboundSa(EspSaConfig config, EspTransform transform, TimePoint now);
    InboundResult refuse(InboundResult result, InboundOutcome outcome, std::string reason) const;
    // Both open()s: decrypts into `plaintext`, left holding the inner packet; writes
    // result.summary when `summary` is set.
    InboundResult open_impl(ByteSpan esp, TimePoint now, Bytes& plaintext, bool summary,
                            std::optional<bool> ahead);

    EspSaConfig config_;
    EspTransform transform_;
    ReplayWindow window_;
    Lifetime lifetime_;
    Bytes plaintext_;     // open()'s, reused between packets
    InnerPacket parsed_;  // the last inner packet's header fields, reused between packets
};

// The inbound SAs of one endpoint, found by SPI (§3.4.2).
class InboundSaTable {
public:
    void add(InboundSa sa);
    void remove(std::uint32_t spi) { sas_.erase(spi); }
    InboundSa* find(std::uint32_t spi);
    std::size_t size() const { return sas_.size(); }

    // open() of the SA the packet's SPI names; kUnknownSpi when there is none.
    InboundResult open(ByteSpan esp, TimePoint now);
    // open() for a reader of many packets (a capture's decryption): the same checks and
    // outcome, but the payload is decrypted into `inner`, which then holds the inner
    // packet (for kAccepted and kTsMismatch; unspecified otherwise) with its capacity
    // reused from call to call, and the result carries neither a copy nor a summary.
    // `ahead`: the ICV check (and decryption into `inner`) was already run on exactly
    // these octets with this SA's keys, by EspTransform::open() on another thread; its
    // outcome is taken instead of running it again. Only for an SA without ESN, whose
    // sequence number is the packet's own (ignored otherwise).
    InboundResult open_into(ByteSpan esp, TimePoint now, Bytes& inner, std::optional<bool> ahead = {});

private:
    std::map<std::uint32_t, InboundSa> sas_;
};

struct EspSaPair {
    OutboundSa outbound;
    InboundSa inbound;
};

struct EspSaOptions {
    std::uint32_t replay_window = kDefaultReplayWindow;
    LifetimeLimits lifetime;
};

// Both directions of a Child SA negotiated by IKE: outbound with spi_out and the "out" keys,
// inbound with spi_in and the "in" keys (RFC 7296 §2.17), the child's ESN choice and TS.
Result<EspSaPair> esp_sas_from_child(const ike::ChildSa& child, TimePoint now,
                                     const EspSaOptions& options = {});

}  // namespace hnbsec::esp
