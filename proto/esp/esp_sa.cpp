#include "proto/esp/esp_sa.h"

#include "proto/esp/inner_packet.h"
#include "proto/esp/ts_match.h"
#include "proto/esp/udp_encap.h"

namespace hnbsec::esp {
namespace {

constexpr std::uint64_t kMaxSeq32 = 0xffffffffULL;
// Without ESN, rekeying is due when this few sequence numbers are left (§3.3.3).
constexpr std::uint64_t kSeqRekeyMargin = 1ULL << 20;

void put32(std::uint8_t* out, std::uint32_t v) {
    out[0] = static_cast<std::uint8_t>(v >> 24);
    out[1] = static_cast<std::uint8_t>(v >> 16);
    out[2] = static_cast<std::uint8_t>(v >> 8);
    out[3] = static_cast<std::uint8_t>(v);
}

std::uint32_t get32(const std::uint8_t* in) {
    return (static_cast<std::uint32_t>(in[0]) << 24) | (static_cast<std::uint32_t>(in[1]) << 16) |
           (static_cast<std::uint32_t>(in[2]) << 8) | static_cast<std::uint32_t>(in[3]);
}

std::string hex32(std::uint32_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string text = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) text += kDigits[(v >> shift) & 0xfU];
    return text;
}

}  // namespace

// --- outbound ---------------------------------------------------------------------------------

OutboundSa::OutboundSa(EspSaConfig config, EspTransform transform, TimePoint now)
    : config_(std::move(config)), transform_(std::move(transform)), lifetime_(config_.lifetime, now) {}

Result<OutboundSa> OutboundSa::create(const EspSaConfig& config, TimePoint now) {
    auto transform = EspTransform::create(config.suite, config.encryption_key, config.integrity_key);
    if (!transform.ok())
        return std::move(transform).error().context("creating outbound ESP SA " + hex32(config.spi));
    return OutboundSa(config, std::move(*transform), now);
}

LifetimeState OutboundSa::lifetime_state(TimePoint now) const {
    const LifetimeState by_limits = lifetime_.state(now);
    if (config_.esn || by_limits == LifetimeState::kExpired) return by_limits;
    if (next_seq_ > kMaxSeq32) return LifetimeState::kExpired;
    if (kMaxSeq32 - next_seq_ < kSeqRekeyMargin) return LifetimeState::kRekeyDue;
    return by_limits;
}

Result<Bytes> OutboundSa::seal(ByteSpan inner, TimePoint now, const SealFaults& faults) {
    if (lifetime_.state(now) == LifetimeState::kExpired) {
        return Error("ESP SA " + hex32(config_.spi) + " passed its hard lifetime; it must be rekeyed");
    }
    if ((!config_.esn && next_seq_ > kMaxSeq32) || next_seq_ == 0) {
        // RFC 4303 §3.3.3: the counter must not cycle; a new SA is needed.
        return Error("ESP SA " + hex32(config_.spi) + " used up its sequence numbers (" +
                     std::string(config_.esn ? "64" : "32") + "-bit, RFC 4303 §3.3.3); it must be rekeyed");
    }
    if (inner.empty()) return Error("no inner packet to seal");
    std::uint8_t next_header = 0;
    switch (inner[0] >> 4) {
        case 4:
            next_header = kNextHeaderIpv4;
            break;
        case 6:
            next_header = kNextHeaderIpv6;
            break;
        default:
            return Error("inner packet of IP version " + std::to_string(inner[0] >> 4) +
                         " cannot be tunnelled");
    }
    if (faults.next_header) next_header = *faults.next_header;

    const std::size_t align = transform_.alignment();
    std::size_t pad = (align - (inner.size() + 2) % align) % align;
    if (faults.padding) {
        pad = faults.padding->size();
        if (pad > 255) return Error("padding fault of more than 255 octets");
        if (transform_.cbc() && (inner.size() + 2 + pad) % align != 0) {
            return Error("padding fault of " + std::to_string(pad) +
                         " octets breaks the cipher's block alignment");
        }
    }
    const std::size_t iv = transform_.iv_size();
    const std::size_t text = inner.size() + pad + 2;
    Bytes packet(8 + iv + text + transform_.icv_size());
    put32(packet.data(), config_.spi);
    put32(packet.data() + 4, static_cast<std::uint32_t>(next_seq_));
    std::uint8_t* out = packet.data() + 8 + iv;
    std::copy(inner.begin(), inner.end(), out);
    out += inner.size();
    for (std::size_t i = 0; i < pad; ++i) {
        *out++ =
            faults.padding ? (*faults.padding)[i] : static_cast<std::uint8_t>(i + 1);  // §2.4: 1, 2, 3, ..
    }
    *out++ = static_cast<std::uint8_t>(pad);
    *out = next_header;
    HNBSEC_CHECK(transform_.seal(packet, next_seq_, config_.esn));
    if (faults.flip_icv) packet.back() ^= 0xff;
    ++next_seq_;
    lifetime_.count(inner.size());
    return packet;
}

// --- inbound ----------------------------------------------------------------------------------

std::string_view inbound_outcome_name(InboundOutcome outcome) {
    switch (outcome) {
        case InboundOutcome::kAccepted:
            return "accepted";
        case InboundOutcome::kDummy:
            return "dummy";
        case InboundOutcome::kReplayed:
            return "replayed";
        case InboundOutcome::kTooOld:
            return "outside window";
        case InboundOutcome::kBadIcv:
            return "bad ICV";
        case InboundOutcome::kUnknownSpi:
            return "unknown SPI";
        case InboundOutcome::kBadPadding:
            return "bad padding";
        case InboundOutcome::kBadNextHeader:
            return "bad next header";
        case InboundOutcome::kTruncated:
            return "truncated";
        case InboundOutcome::kBadInner:
            return "bad inner packet";
        case InboundOutcome::kTsMismatch:
            return "TS mismatch";
        case InboundOutcome::kExpired:
            return "expired";
    }
    return "unknown";
}

InboundSa::InboundSa(EspSaConfig config, EspTransform transform, TimePoint now)
    : config_(std::move(config)),
      transform_(std::move(transform)),
      window_(config_.replay_window, config_.esn),
      lifetime_(config_.lifetime, now) {}

Result<InboundSa> InboundSa::create(const EspSaConfig& config, TimePoint now) {
    auto transform = EspTransform::create(config.suite, config.encryption_key, config.integrity_key);
    if (!transform.ok())
        return std::move(transform).error().context("creating inbound ESP SA " + hex32(config.spi));
    return InboundSa(config, std::move(*transform), now);
}

InboundResult InboundSa::refuse(InboundResult result, InboundOutcome outcome, std::string reason) const {
    result.outcome = outcome;
    result.reason = "SPI " + hex32(config_.spi) + " seq " + std::to_string(result.seq) + ": " + reason;
    return result;
}

InboundResult InboundSa::open(ByteSpan esp, TimePoint now) {
    InboundResult result = open_impl(esp, now, plaintext_, true, std::nullopt);
    if (result.outcome == InboundOutcome::kAccepted || result.outcome == InboundOutcome::kTsMismatch) {
        result.inner = plaintext_;
    }
    return result;
}

InboundResult InboundSa::open_into(ByteSpan esp, TimePoint now, Bytes& inner, std::optional<bool> ahead) {
    return open_impl(esp, now, inner, false, config_.esn ? std::nullopt : ahead);
}

InboundResult InboundSa::open_impl(ByteSpan esp, TimePoint now, Bytes& plaintext, bool summary,
                                   std::optional<bool> ahead) {
    InboundResult result;
    if (esp.size() < kEspHeaderSize) {
        result.outcome = InboundOutcome::kTruncated;
        result.reason =
            std::to_string(esp.size()) + " octets, less than SPI and Sequence Number (RFC 4303 §2)";
        return result;
    }
    result.spi = get32(esp.data());
    const std::uint32_t low = get32(esp.data() + 4);
    result.seq = low;
    if (const std::uint32_t spi = result.spi; spi != config_.spi) {
        return refuse(std::move(result), InboundOutcome::kUnknownSpi,
                      "packet for SPI " + hex32(spi) + " reached this SA");
    }
    const std::size_t overhead = kEspHeaderSize + transform_.iv_size() + transform_.icv_size();
    if (esp.size() < overhead + 2) {
        return refuse(std::move(result), InboundOutcome::kTruncated,
                      std::to_string(esp.size()) + " octets cannot hold IV, Pad Length, Next Header and a " +
                          std::to_string(transform_.icv_size()) + "-octet ICV");
    }
    const std::size_t text_size = esp.size() - overhead;
    if (transform_.cbc() && text_size % transform_.alignment() != 0) {
        return refuse(std::move(result), InboundOutcome::kTruncated,
                      "ciphertext of " + std::to_string(text_size) + " octets is not a multiple of the " +
                          std::to_string(transform_.alignment()) + "-octet block (RFC 3602 §3)");
    }
    if (lifetime_.state(now) == LifetimeState::kExpired) {
        return refuse(
            std::move(result), InboundOutcome::kExpired,
            "the SA passed its hard lifetime (" + std::to_string(lifetime_.bytes()) + " octets received)");
    }
    result.seq = window_.infer(low);
    switch (window_.check(result.seq)) {
        case ReplayCheck::kReplayed:
            return refuse(std::move(result), InboundOutcome::kReplayed,
                          "already received (RFC 4303 §3.4.3 anti-replay)");
        case ReplayCheck::kTooOld:
            return refuse(std::move(result), InboundOutcome::kTooOld,
                          "left of the " + std::to_string(window_.size()) +
                              "-packet replay window ending at " + std::to_string(window_.highest()));
        case ReplayCheck::kNew:
            break;
    }
    if (!(ahead ? *ahead : transform_.open(esp, result.seq, config_.esn, plaintext))) {
        return refuse(std::move(result), InboundOutcome::kBadIcv,
                      "ICV does not verify with " + transform_.name() + " (RFC 4303 §3.4.4)");
    }
    window_.update(result.seq);  // only now: the packet is authentic (§3.4.3)

    const std::size_t n = plaintext.size();
    const std::uint8_t pad_length = plaintext[n - 2];
    const std::uint8_t next_header = plaintext[n - 1];
    if (pad_length + 2U > n) {
        return refuse(std::move(result), InboundOutcome::kBadPadding,
                      "Pad Length " + std::to_string(pad_length) + " exceeds the " + std::to_string(n - 2) +
                          "-octet payload");
    }
    const std::size_t payload = n - 2 - pad_length;
    for (std::size_t i = 0; i < pad_length; ++i) {
        if (plaintext[payload + i] != static_cast<std::uint8_t>(i + 1)) {
            return refuse(std::move(result), InboundOutcome::kBadPadding,
                          "padding octet " + std::to_string(i + 1) + " is " +
                              std::to_string(plaintext[payload + i]) + ", RFC 4303 §2.4 requires " +
                              std::to_string(i + 1));
        }
    }
    if (next_header == kNextHeaderNone) {
        lifetime_.count(payload);
        return refuse(std::move(result), InboundOutcome::kDummy,
                      "dummy packet (Next Header 59, RFC 4303 §2.6)");
    }
    if (next_header != kNextHeaderIpv4 && next_header != kNextHeaderIpv6) {
        return refuse(std::move(result), InboundOutcome::kBadNextHeader,
                      "Next Header " + std::to_string(next_header) +
                          ", a tunnel-mode SA carries IPv4 (4) or IPv6 (41)");
    }
    plaintext.resize(payload);  // the inner packet (with any TFC padding, §2.7)
    auto parsed = parse_inner_packet(plaintext, parsed_, summary);
    if (!parsed.ok()) {
        return refuse(std::move(result), InboundOutcome::kBadInner, parsed.error().message());
    }
    const std::uint8_t expected = parsed_.version == 4 ? kNextHeaderIpv4 : kNextHeaderIpv6;
    if (next_header != expected) {
        return refuse(std::move(result), InboundOutcome::kBadNextHeader,
                      "Next Header " + std::to_string(next_header) + " but the inner packet is IPv" +
                          std::to_string(parsed_.version));
    }
    if (summary) result.summary = parsed_.summary;
    if (!ts_covers(config_.ts_remote, parsed_, PacketEnd::kSource)) {
        return refuse(std::move(result), InboundOutcome::kTsMismatch,
                      "inner source " + address_to_string(parsed_.source) +
                          " is outside the peer's traffic selectors (RFC 4301 §5.2)");
    }
    if (!ts_covers(config_.ts_local, parsed_, PacketEnd::kDestination)) {
        return refuse(std::move(result), InboundOutcome::kTsMismatch,
                      "inner destination " + address_to_string(parsed_.destination) +
                          " is outside our traffic selectors (RFC 4301 §5.2)");
    }
    lifetime_.count(payload);
    result.outcome = InboundOutcome::kAccepted;
    return result;
}

// --- SA table ---------------------------------------------------------------------------------

void InboundSaTable::add(InboundSa sa) {
    const std::uint32_t spi = sa.spi();
    sas_.insert_or_assign(spi, std::move(sa));
}

InboundSa* InboundSaTable::find(std::uint32_t spi) {
    auto it = sas_.find(spi);
    return it == sas_.end() ? nullptr : &it->second;
}

InboundResult InboundSaTable::open(ByteSpan esp, TimePoint now) {
    if (esp.size() >= kEspHeaderSize) {
        const std::uint32_t spi = get32(esp.data());
        if (InboundSa* sa = find(spi); sa != nullptr) return sa->open(esp, now);
        InboundResult result;
        result.spi = spi;
        result.seq = get32(esp.data() + 4);
        result.outcome = InboundOutcome::kUnknownSpi;
        result.reason = "no inbound SA has SPI " + hex32(spi) + " (RFC 4303 §3.4.2)";
        return result;
    }
    InboundResult result;
    result.outcome = InboundOutcome::kTruncated;
    result.reason = std::to_string(esp.size()) + " octets, less than SPI and Sequence Number (RFC 4303 §2)";
    return result;
}

// --- from IKE ---------------------------------------------------------------------------------

Result<EspSaPair> esp_sas_from_child(const ike::ChildSa& child, TimePoint now, const EspSaOptions& options) {
    EspSaConfig out;
    out.spi = child.spi_out;
    out.suite = child.suite;
    out.encryption_key = child.encr_out();
    out.integrity_key = child.integ_out();
    out.esn = child.esn;
    out.lifetime = options.lifetime;
    out.ts_local = child.ts_local;
    out.ts_remote = child.ts_remote;
    EspSaConfig in = out;
    in.spi = child.spi_in;
    in.encryption_key = child.encr_in();
    in.integrity_key = child.integ_in();
    in.replay_window = options.replay_window;
    HNBSEC_TRY(OutboundSa outbound, OutboundSa::create(out, now));
    HNBSEC_TRY(InboundSa inbound, InboundSa::create(in, now));
    return EspSaPair{std::move(outbound), std::move(inbound)};
}

}  // namespace hnbsec::esp
