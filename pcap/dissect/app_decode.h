#pragma once
// Small decoders for the application protocols the harness's roles speak, enough for
// wire checks and the timeline. Each reads through a bounded cursor and returns an
// Error on bytes that do not fit; none throws.

#include <cstddef>
#include <optional>
#include <span>
#include <vector>

#include "core/result.h"
#include "pcap/dissect/dissection.h"

namespace hnbsec::pcap {

// NTP header (RFC 5905 §7.3): 48 octets at least.
Result<NtpInfo> decode_ntp(std::span<const std::uint8_t> payload);

// TLS: does a stream start like a record (content type 20-24, version 3.x)?
bool looks_like_tls(std::span<const std::uint8_t> stream);
// Size of the first complete record (5 + length) or nullopt when incomplete.
std::optional<std::size_t> tls_record_size(std::span<const std::uint8_t> stream);
// One direction of a TLS connection's handshake layer. Handshake messages are a stream of
// their own: several may share a record and one may span records (RFC 8446 §5.1, RFC 5246
// §6.2.1), so the bytes of an unfinished message wait here for the next record.
struct TlsHandshakeStream {
    std::vector<std::uint8_t> pending;  // the start of a message whose rest is to come
    bool offered_tls13 = false;         // this side's hello named TLS 1.3 (supported_versions)
    bool encrypted = false;             // after ChangeCipherSpec below TLS 1.3: ciphertext follows
};
// Adds one complete record's content type and, for handshake records, the type of every
// handshake message it completes and the Client/ServerHello fields (RFC 8446
// §4.1.2-§4.1.3) to `info`.
Status decode_tls_record(std::span<const std::uint8_t> record, TlsHandshakeStream& stream, TlsInfo& info);
// The same for a record on its own (no message carried over from earlier records).
Status decode_tls_record(std::span<const std::uint8_t> record, TlsInfo& info);

// HTTP/1.x: does a stream start with a request line or a status line?
bool looks_like_http(std::span<const std::uint8_t> stream);
// Size of the first complete message (head + Content-Length body) or nullopt when
// incomplete; an error when the head is malformed or too large.
Result<std::optional<std::size_t>> http_message_size(std::span<const std::uint8_t> stream);
// Head fields, content type, and for SOAP bodies the first element inside Body.
Result<HttpInfo> decode_http_message(std::span<const std::uint8_t> message);

}  // namespace hnbsec::pcap
