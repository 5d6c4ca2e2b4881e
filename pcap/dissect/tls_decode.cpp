#include "pcap/dissect/app_decode.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::pcap {
namespace {

using wire::ByteReader;

constexpr std::uint8_t kChangeCipherSpec = 20;
constexpr std::uint8_t kHandshake = 22;
constexpr std::uint16_t kTls13 = 0x0304;
// A Certificate chain fits easily; anything longer is no handshake we can follow.
constexpr std::size_t kMaxPendingHandshake = std::size_t{64} * 1024;
constexpr std::uint8_t kClientHello = 1;
constexpr std::uint8_t kServerHello = 2;
constexpr std::uint16_t kExtServerName = 0;
constexpr std::uint16_t kExtSupportedVersions = 43;

// RFC 6066 §3: server_name_list of (type, HostName); type 0 is a DNS host name.
Status server_name(ByteReader ext, TlsInfo& info) {
    HNBSEC_TRY(std::uint16_t list_length, ext.u16("server_name_list length"));
    HNBSEC_TRY(ByteReader list, ext.sub(list_length, "server_name_list"));
    while (!list.empty()) {
        HNBSEC_TRY(std::uint8_t type, list.u8("NameType"));
        HNBSEC_TRY(std::uint16_t n, list.u16("HostName length"));
        HNBSEC_TRY(auto name, list.bytes(n, "HostName"));
        if (type == 0 && info.server_name.empty()) info.server_name.assign(name.begin(), name.end());
    }
    return Ok{};
}

Status extensions(ByteReader& r, bool client, TlsInfo& info) {
    if (r.empty()) return Ok{};  // extensions are optional before TLS 1.3
    HNBSEC_TRY(std::uint16_t total, r.u16("extensions length"));
    HNBSEC_TRY(ByteReader exts, r.sub(total, "extensions"));
    while (!exts.empty()) {
        HNBSEC_TRY(std::uint16_t type, exts.u16("extension_type"));
        HNBSEC_TRY(std::uint16_t n, exts.u16("extension_data length"));
        HNBSEC_TRY(ByteReader data, exts.sub(n, "extension_data"));
        if (type == kExtServerName && client) {
            HNBSEC_CHECK(server_name(data, info));
        } else if (type == kExtSupportedVersions) {
            // RFC 8446 §4.2.1: a list in ClientHello, one selected version in ServerHello.
            if (client) {
                HNBSEC_TRY(std::uint8_t len, data.u8("supported_versions length"));
                HNBSEC_TRY(ByteReader versions, data.sub(len, "supported_versions"));
                while (versions.remaining() >= 2) {
                    HNBSEC_TRY(std::uint16_t v, versions.u16("ProtocolVersion"));
                    info.supported_versions.push_back(v);
                }
            } else {
                HNBSEC_TRY(std::uint16_t v, data.u16("selected_version"));
                info.supported_versions.push_back(v);
            }
        }
    }
    return Ok{};
}

Status hello(ByteReader r, bool client, TlsInfo& info) {
    HNBSEC_TRY(info.hello_version, r.u16("legacy_version"));
    HNBSEC_CHECK(r.skip(32, "random"));
    HNBSEC_TRY(std::uint8_t sid, r.u8("legacy_session_id length"));
    HNBSEC_CHECK(r.skip(sid, "legacy_session_id"));
    if (client) {
        HNBSEC_TRY(std::uint16_t n, r.u16("cipher_suites length"));
        HNBSEC_TRY(ByteReader suites, r.sub(n, "cipher_suites"));
        while (suites.remaining() >= 2) {
            HNBSEC_TRY(std::uint16_t s, suites.u16("CipherSuite"));
            info.cipher_suites.push_back(s);
        }
        HNBSEC_TRY(std::uint8_t comp, r.u8("legacy_compression_methods length"));
        HNBSEC_CHECK(r.skip(comp, "legacy_compression_methods"));
    } else {
        HNBSEC_TRY(std::uint16_t s, r.u16("cipher_suite"));
        info.cipher_suites.push_back(s);
        HNBSEC_CHECK(r.skip(1, "legacy_compression_method"));
    }
    return extensions(r, client, info);
}

}  // namespace

bool looks_like_tls(std::span<const std::uint8_t> s) {
    return s.size() >= 3 && s[0] >= 20 && s[0] <= 24 && s[1] == 3 && s[2] <= 4;
}

std::optional<std::size_t> tls_record_size(std::span<const std::uint8_t> s) {
    if (s.size() < 5) return std::nullopt;
    const std::size_t size = 5 + ((std::size_t{s[3]} << 8) | s[4]);
    if (s.size() < size) return std::nullopt;
    return size;
}

Status decode_tls_record(std::span<const std::uint8_t> record, TlsHandshakeStream& stream, TlsInfo& info) {
    ByteReader r(record);
    HNBSEC_TRY(std::uint8_t type, r.u8("TLS ContentType"));
    HNBSEC_TRY(info.record_version, r.u16("TLS legacy_record_version"));
    HNBSEC_TRY(std::uint16_t length, r.u16("TLS record length"));
    HNBSEC_TRY(ByteReader body, r.sub(length, "TLS fragment"));
    info.content_types.push_back(type);
    info.record_handshakes.push_back(0);
    if (type == kChangeCipherSpec) {
        // Below TLS 1.3 the next handshake record (Finished) is ciphertext; TLS 1.3 sends
        // CCS only for middlebox compatibility (RFC 8446 §D.4) and encrypts in type 23.
        stream.encrypted = !stream.offered_tls13;
        stream.pending.clear();
        return Ok{};
    }
    if (type != kHandshake || stream.encrypted) return Ok{};
    const auto fragment = body.rest();
    if (stream.pending.size() + fragment.size() > kMaxPendingHandshake) {
        stream.pending.clear();
        return Error("TLS handshake message longer than " + std::to_string(kMaxPendingHandshake) + " octets");
    }
    stream.pending.insert(stream.pending.end(), fragment.begin(), fragment.end());
    Status status = Ok{};
    std::size_t used = 0;
    while (stream.pending.size() - used >= 4) {
        ByteReader m(std::span<const std::uint8_t>(stream.pending).subspan(used));
        HNBSEC_TRY(std::uint8_t hs_type, m.u8("HandshakeType"));
        HNBSEC_TRY(std::uint32_t hs_length, m.u24("Handshake length"));
        if (hs_length > kMaxPendingHandshake) {
            stream.pending.clear();
            return Error("TLS handshake length " + std::to_string(hs_length) + " is implausible");
        }
        if (m.remaining() < hs_length) break;  // the rest comes in later records
        info.handshake_types.push_back(hs_type);
        ++info.record_handshakes.back();
        HNBSEC_TRY(ByteReader msg, m.sub(hs_length, "handshake message"));
        if (hs_type == kClientHello || hs_type == kServerHello) {
            auto hello_status = hello(msg, hs_type == kClientHello, info);
            if (!hello_status.ok() && status.ok()) status = std::move(hello_status);
            for (auto v : info.supported_versions) stream.offered_tls13 = stream.offered_tls13 || v == kTls13;
        }
        used += 4 + hs_length;
    }
    stream.pending.erase(stream.pending.begin(), stream.pending.begin() + static_cast<std::ptrdiff_t>(used));
    return status;
}

Status decode_tls_record(std::span<const std::uint8_t> record, TlsInfo& info) {
    TlsHandshakeStream stream;
    return decode_tls_record(record, stream, info);
}

}  // namespace hnbsec::pcap
