#include "pcap/dissect/summary.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "pcap/dissect/hex_text.h"
#include "proto/ike/constants.h"

namespace hnbsec::pcap {
namespace {

std::string hex32(std::uint32_t v) {
    return hex_digits(v, 8, true);
}

std::string hex16(std::uint16_t v) {
    return hex_digits(v, 4, true);
}

std::string payload_list(const std::vector<std::uint8_t>& types) {
    std::string out;
    for (auto t : types) {
        if (!out.empty()) out += ' ';
        out += ike::payload_type_name(static_cast<ike::PayloadType>(t));
    }
    return out;
}

std::string_view ntp_mode(std::uint8_t mode) {
    switch (mode) {
        case 1:
            return "symmetric-active";
        case 2:
            return "symmetric-passive";
        case 3:
            return "client";
        case 4:
            return "server";
        case 5:
            return "broadcast";
        case 6:
            return "control";
        default:
            return "mode";
    }
}

std::string_view handshake_name(std::uint8_t type) {
    switch (type) {
        case 1:
            return "ClientHello";
        case 2:
            return "ServerHello";
        case 4:
            return "NewSessionTicket";
        case 8:
            return "EncryptedExtensions";
        case 11:
            return "Certificate";
        case 12:
            return "ServerKeyExchange";
        case 13:
            return "CertificateRequest";
        case 14:
            return "ServerHelloDone";
        case 15:
            return "CertificateVerify";
        case 16:
            return "ClientKeyExchange";
        case 20:
            return "Finished";
        default:
            return "Handshake";
    }
}

std::string_view content_name(std::uint8_t type) {
    switch (type) {
        case 20:
            return "ChangeCipherSpec";
        case 21:
            return "Alert";
        case 22:
            return "Handshake";
        case 23:
            return "ApplicationData";
        default:
            return "Record";
    }
}

std::string tls_summary(const TlsInfo& tls) {
    std::string out = "TLS";
    std::size_t hs = 0;
    for (std::size_t i = 0; i < tls.content_types.size(); ++i) {
        const std::size_t count = i < tls.record_handshakes.size() ? tls.record_handshakes[i] : 0;
        out += ' ';
        if (tls.content_types[i] != 22 || count == 0) {
            out += content_name(tls.content_types[i]);  // also a record holding only part of a message
            continue;
        }
        for (std::size_t k = 0; k < count && hs < tls.handshake_types.size(); ++k) {
            if (k != 0) out += ' ';
            out += handshake_name(tls.handshake_types[hs++]);
        }
    }
    if (!tls.server_name.empty()) out += " SNI=" + tls.server_name;
    for (auto v : tls.supported_versions) out += " version=" + hex16(v);
    return out;
}

}  // namespace

std::string ike_summary(const IkeInfo& ike) {
    std::string out = ike::exchange_type_name(static_cast<ike::ExchangeType>(ike.exchange_type));
    out += ike.response ? " response" : " request";
    out += " MID=" + std::to_string(ike.message_id);
    if (ike.total_fragments != 0)
        out += " fragment " + std::to_string(ike.fragment_number) + "/" + std::to_string(ike.total_fragments);
    std::vector<std::uint8_t> outer = ike.payloads;
    const bool protected_message = !outer.empty() && (outer.back() == 46 || outer.back() == 53);
    if (protected_message) outer.pop_back();
    if (!outer.empty()) out += " " + payload_list(outer);
    if (protected_message) {
        out += ike.payloads.back() == 53 ? " SKF" : " SK";
        if (ike.decryption == IkeDecryption::kDecrypted) {
            out += "{" + payload_list(ike.inner_payloads) + "}";
        } else {
            out += "(" + std::string(ike_decryption_name(ike.decryption)) + ")";
        }
    }
    for (auto n : ike.notify_types) {
        if (n < 16384) out += " " + ike::notify_type_name(static_cast<ike::NotifyType>(n));
    }
    return out;
}

std::string summarize(const PacketDissection& d) {
    if (d.ike) return ike_summary(*d.ike);
    if (d.esp) {
        std::string out = "ESP SPI=" + hex32(d.esp->spi) + " seq=" + std::to_string(d.esp->sequence);
        if (d.esp->decryption == EspDecryption::kFailed) out += " (decryption failed)";
        return out;
    }
    if (d.has(Layer::kNatKeepalive)) return "NAT-keepalive";
    if (d.ntp) {
        return "NTP v" + std::to_string(d.ntp->version) + " " + std::string(ntp_mode(d.ntp->mode)) +
               " stratum " + std::to_string(d.ntp->stratum);
    }
    if (d.http) {
        std::string out = d.http->request ? d.http->method + " " + d.http->target
                                          : "HTTP " + std::to_string(d.http->status);
        if (!d.http->soap_method.empty()) out += " " + d.http->soap_method;
        if (!d.http->content_type.empty()) out += " [" + d.http->content_type + "]";
        if (d.tls) out = tls_summary(*d.tls) + "; " + out;
        return out;
    }
    if (d.tls) return tls_summary(*d.tls);
    if (!d.summary.empty()) return d.summary;
    if (d.has(Layer::kIcmp)) return "ICMP";
    if (d.has(Layer::kIcmpv6)) return "ICMPv6";
    if (d.has(Layer::kUdp) || d.has(Layer::kTcp)) {
        return std::string(d.has(Layer::kUdp) ? "UDP " : "TCP ") + std::to_string(d.source_port) + " -> " +
               std::to_string(d.destination_port);
    }
    if (d.source.version != 0) return "IP protocol " + std::to_string(d.ip_protocol);
    return "";
}

namespace {

// The common lines are put together in a local array and assigned once: appending piece by
// piece to the string (a capacity check and a copy call per piece) was the larger part of
// the time a plain UDP or ESP packet took to dissect.
class Line {
public:
    void text(std::string_view t) {
        std::copy(t.begin(), t.end(), end_);
        end_ += t.size();
    }
    void number(std::uint64_t v) { end_ = std::to_chars(end_, text_.data() + text_.size(), v).ptr; }
    void hex32(std::uint32_t v) {
        static constexpr char kDigits[] = "0123456789abcdef";
        for (int shift = 28; shift >= 0; shift -= 4) *end_++ = kDigits[(v >> shift) & 0xfU];
    }
    void assign_to(std::string& out) const {
        out.assign(text_.data(), static_cast<std::size_t>(end_ - text_.data()));
    }

private:
    // Left uninitialised: only [text_, end_) is ever read, and zeroing 96 octets per packet
    // showed in the profile. The longest line: "ESP SPI=0x" 8 " seq=" 10 " (decryption failed)".
    std::array<char, 96> text_;
    char* end_ = text_.data();
};

}  // namespace

void set_summary(PacketDissection& d) {
    std::string& out = d.summary;
    Line line;
    if (!d.ike && d.esp) {
        line.text("ESP SPI=0x");
        line.hex32(d.esp->spi);
        line.text(" seq=");
        line.number(d.esp->sequence);
        if (d.esp->decryption == EspDecryption::kFailed) line.text(" (decryption failed)");
        line.assign_to(out);
        return;
    }
    const bool plain_transport = !d.ike && !d.esp && !d.ntp && !d.http && !d.tls && out.empty() &&
                                 !d.has(Layer::kNatKeepalive) && !d.has(Layer::kIcmp) &&
                                 !d.has(Layer::kIcmpv6);
    if (plain_transport && (d.has(Layer::kUdp) || d.has(Layer::kTcp))) {
        line.text(d.has(Layer::kUdp) ? "UDP " : "TCP ");
        line.number(d.source_port);
        line.text(" -> ");
        line.number(d.destination_port);
        line.assign_to(out);
        return;
    }
    out = summarize(d);
}

}  // namespace hnbsec::pcap
