#include "proto/ike/sa/wire.h"

#include <openssl/evp.h>

#include "proto/ike/crypto/cipher.h"
#include "proto/ike/encode.h"
#include "proto/ike/udp_encapsulation.h"

namespace hnbsec::ike {

Bytes be16(std::uint16_t v) {
    return Bytes{static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
Bytes be32(std::uint32_t v) {
    return Bytes{static_cast<std::uint8_t>(v >> 24), static_cast<std::uint8_t>(v >> 16),
                 static_cast<std::uint8_t>(v >> 8), static_cast<std::uint8_t>(v)};
}
Bytes be64(std::uint64_t v) {
    Bytes out(8);
    for (int i = 7; i >= 0; --i) {
        out[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(v);
        v >>= 8;
    }
    return out;
}
std::uint32_t read_be32(const Bytes& b) {
    if (b.size() != 4) return 0;
    return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | b[3];
}

Result<std::uint64_t> random_spi64() {
    for (;;) {
        HNBSEC_TRY(Octets r, random_octets(8));
        std::uint64_t v = 0;
        for (auto b : r) v = (v << 8) | b;
        if (v != 0) return v;
    }
}
Result<std::uint32_t> random_spi32() {
    for (;;) {
        HNBSEC_TRY(Octets r, random_octets(4));
        std::uint32_t v = read_be32(r);
        if (v >= 256) return v;  // RFC 4303 §2.1: 1-255 are reserved
    }
}

Result<Bytes> natd_hash(std::uint64_t spi_i, std::uint64_t spi_r, const Endpoint& endpoint) {
    Bytes data = be64(spi_i);
    Bytes r = be64(spi_r);
    data.insert(data.end(), r.begin(), r.end());
    data.insert(data.end(), endpoint.ip.begin(), endpoint.ip.end());
    data.push_back(static_cast<std::uint8_t>(endpoint.port >> 8));
    data.push_back(static_cast<std::uint8_t>(endpoint.port));
    Bytes out(20);
    unsigned int len = 0;
    if (EVP_Digest(data.data(), data.size(), out.data(), &len, EVP_sha1(), nullptr) != 1) {
        return Error("SHA-1 for NAT detection failed");
    }
    return out;
}

std::optional<Bytes> ike_bytes_of(const Datagram& datagram, std::vector<Event>* events) {
    if (datagram.local.port != kNatTPort) return datagram.bytes;
    auto c = classify_udp4500(datagram.bytes);
    switch (c.kind) {
        case Udp4500Kind::kIke:
            return Bytes(c.packet.begin(), c.packet.end());
        case Udp4500Kind::kNatKeepalive:
            events->push_back(NatKeepaliveReceived{datagram.remote});
            return std::nullopt;
        case Udp4500Kind::kEsp:
            events->push_back(Dropped{"ESP packet on port 4500 from " + to_string(datagram.remote) +
                                      " (not handled by the IKE layer)"});
            return std::nullopt;
        case Udp4500Kind::kMalformed:
            break;
    }
    events->push_back(Dropped{"malformed port 4500 datagram of " + std::to_string(datagram.bytes.size()) +
                              " octets from " + to_string(datagram.remote)});
    return std::nullopt;
}

Bytes id_payload_body(const Id& id) {
    Bytes out{static_cast<std::uint8_t>(id.type), static_cast<std::uint8_t>(id.reserved >> 16),
              static_cast<std::uint8_t>(id.reserved >> 8), static_cast<std::uint8_t>(id.reserved)};
    out.insert(out.end(), id.data.begin(), id.data.end());
    return out;
}

const Notify* find_notify(const std::vector<Payload>& payloads, NotifyType type) {
    for (const auto& p : payloads) {
        if (const auto* n = p.as<Notify>();
            n != nullptr && p.type == PayloadType::kNotify && n->type == type) {
            return n;
        }
    }
    return nullptr;
}

std::vector<PayloadType> payload_types(const std::vector<Payload>& payloads) {
    std::vector<PayloadType> out;
    out.reserve(payloads.size());
    for (const auto& p : payloads) out.push_back(p.type);
    return out;
}

Payload notify_payload(NotifyType type, Bytes data, ProtocolId protocol, Bytes spi) {
    Notify n;
    n.protocol = protocol;
    n.spi = std::move(spi);
    n.type = type;
    n.data = std::move(data);
    return make_payload(PayloadType::kNotify, std::move(n));
}

std::size_t error_offset(const std::string& message) {
    static const std::string kMarker = "at offset ";
    auto pos = message.rfind(kMarker);
    if (pos == std::string::npos) return 0;
    std::size_t v = 0;
    for (std::size_t i = pos + kMarker.size(); i < message.size() && message[i] >= '0' && message[i] <= '9';
         ++i) {
        v = v * 10 + static_cast<std::size_t>(message[i] - '0');
    }
    return v;
}

Result<Bytes> encode_plain(const IkeHeader& header, const std::vector<Payload>& payloads) {
    return encode_message(Message{header, payloads});
}

}  // namespace hnbsec::ike
