#include "pcap/dissect/test_packets.h"

#include "proto/ike/crypto/sk_protection.h"
#include "proto/ike/encode.h"
#include "proto/wire/byte_writer.h"

namespace hnbsec::pcap::testing {

Bytes ipv4(std::uint8_t protocol, const Bytes& payload, std::uint32_t src, std::uint32_t dst,
           std::uint16_t id, std::uint16_t flags_offset) {
    wire::ByteWriter w;
    w.u8(0x45);
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(20 + payload.size()));
    w.u16(id);
    w.u16(flags_offset);
    w.u8(64);
    w.u8(protocol);
    w.u16(0);
    w.u32(src);
    w.u32(dst);
    w.bytes(payload);
    return std::move(w).take();
}

Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
    wire::ByteWriter w;
    w.u16(sport);
    w.u16(dport);
    w.u16(static_cast<std::uint16_t>(8 + payload.size()));
    w.u16(0);
    w.bytes(payload);
    return std::move(w).take();
}

Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, std::uint8_t flags,
          const Bytes& payload) {
    wire::ByteWriter w;
    w.u16(sport);
    w.u16(dport);
    w.u32(seq);
    w.u32(0);
    w.u8(0x50);
    w.u8(flags);
    w.u16(65535);
    w.u32(0);
    w.bytes(payload);
    return std::move(w).take();
}

Bytes ethernet(const Bytes& ip_packet) {
    wire::ByteWriter w;
    w.u32(0x02000000);
    w.u16(0x0001);  // destination 02:00:00:00:00:01
    w.u32(0x02000000);
    w.u16(0x0002);  // source 02:00:00:00:00:02
    w.u16(0x0800);  // IPv4
    w.bytes(ip_packet);
    return std::move(w).take();
}

Bytes text(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

IkeDecryptionKey test_key(std::uint64_t spi_i, std::uint64_t spi_r, std::uint8_t fill) {
    IkeDecryptionKey key;
    key.spi_i = spi_i;
    key.spi_r = spi_r;
    key.suite.encr = ike::EncrId::kAesCbc;
    key.suite.encr_key_bits = 128;
    key.suite.integ = ike::IntegId::kHmacSha2_256_128;
    key.keys.sk_ei = Bytes(16, fill);
    key.keys.sk_er = Bytes(16, static_cast<std::uint8_t>(fill + 1));
    key.keys.sk_ai = Bytes(32, static_cast<std::uint8_t>(fill + 2));
    key.keys.sk_ar = Bytes(32, static_cast<std::uint8_t>(fill + 3));
    return key;
}

namespace {

void header(wire::ByteWriter& w, const IkeDecryptionKey& key, std::uint8_t next, std::uint8_t exchange,
            std::uint32_t message_id, bool initiator, bool response, std::size_t length) {
    w.u64(key.spi_i);
    w.u64(key.spi_r);
    w.u8(next);
    w.u8(0x20);
    w.u8(exchange);
    w.u8(static_cast<std::uint8_t>((initiator ? 0x08 : 0) | (response ? 0x20 : 0)));
    w.u32(message_id);
    w.u32(static_cast<std::uint32_t>(length));
}

Bytes protect(const IkeDecryptionKey& key, bool initiator, const Bytes& prefix, const Bytes& plain) {
    auto keys = ike::sk_keys(key.keys, initiator ? ike::Sender::kInitiator : ike::Sender::kResponder);
    auto body = ike::sk_protect(key.suite, keys, prefix, plain);
    Bytes out = prefix;
    out.insert(out.end(), body->begin(), body->end());
    return out;
}

}  // namespace

Bytes protected_message(const IkeDecryptionKey& key, std::uint8_t exchange, std::uint32_t message_id,
                        bool initiator, bool response, const std::vector<ike::Payload>& inner) {
    const Bytes plain = ike::encode_payloads(inner).value();
    const std::size_t body = ike::sk_body_size(key.suite, plain.size()).value();
    wire::ByteWriter w;
    header(w, key, 46, exchange, message_id, initiator, response, 28 + 4 + body);
    // An empty SK (e.g. the response to an IKE SA's DELETE, RFC 7296 §1.4.1) says "no next payload".
    w.u8(inner.empty() ? 0 : static_cast<std::uint8_t>(inner.front().type));
    w.u8(0);
    w.u16(static_cast<std::uint16_t>(4 + body));
    return protect(key, initiator, std::move(w).take(), plain);
}

std::vector<Bytes> fragmented_message(const IkeDecryptionKey& key, std::uint8_t exchange,
                                      std::uint32_t message_id, bool initiator, bool response,
                                      const std::vector<ike::Payload>& inner, std::uint16_t count) {
    const Bytes plain = ike::encode_payloads(inner).value();
    std::vector<Bytes> out;
    const std::size_t part = (plain.size() + count - 1) / count;
    for (std::uint16_t i = 1; i <= count; ++i) {
        const std::size_t begin = (i - 1) * part;
        const std::size_t end = std::min(plain.size(), begin + part);
        const Bytes piece(plain.begin() + static_cast<std::ptrdiff_t>(begin),
                          plain.begin() + static_cast<std::ptrdiff_t>(end));
        const std::size_t body = ike::sk_body_size(key.suite, piece.size()).value();
        wire::ByteWriter w;
        header(w, key, 53, exchange, message_id, initiator, response, 28 + 8 + body);
        w.u8(i == 1 ? static_cast<std::uint8_t>(inner.front().type) : 0);
        w.u8(0);
        w.u16(static_cast<std::uint16_t>(8 + body));
        w.u16(i);
        w.u16(count);
        out.push_back(protect(key, initiator, std::move(w).take(), piece));
    }
    return out;
}

}  // namespace hnbsec::pcap::testing
