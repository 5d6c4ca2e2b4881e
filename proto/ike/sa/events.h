#pragma once
// What the SA logic reports: one typed event per fact a verdict can cite, each
// printable as one readable line.

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "proto/ike/crypto/suite.h"
#include "proto/ike/message.h"
#include "proto/ike/sa/types.h"

namespace hnbsec::ike {

struct MessageReceived {
    ExchangeType exchange = ExchangeType::kIkeSaInit;
    bool is_request = true;
    std::uint32_t message_id = 0;
    std::vector<PayloadType> payloads;  // inner payloads once decrypted
    Message message;                    // header + (decrypted) payloads
    std::size_t fragments = 0;          // SKF fragments reassembled (0: none)
};
struct MessageSent {
    ExchangeType exchange = ExchangeType::kIkeSaInit;
    bool is_request = true;
    std::uint32_t message_id = 0;
    std::vector<PayloadType> payloads;
    std::size_t fragments = 0;
    bool retransmission = false;
    Endpoint remote;
};
struct ProposalChosen {
    ProtocolId protocol = ProtocolId::kIke;
    std::uint8_t proposal_number = 0;
    Suite suite;
};
struct CookieSent {
    Endpoint remote;
};
struct InvalidKeSent {
    DhGroup received = DhGroup::kNone;
    DhGroup requested = DhGroup::kNone;
};
// Initiator: the responder asked for a retry (COOKIE or INVALID_KE_PAYLOAD).
struct RetryRequested {
    std::string reason;
};
struct AuthResult {
    bool ok = false;
    Id peer_id;
    AuthMethod method = AuthMethod::kDigitalSignature;
    std::string reason;
    bool multiple_auth_supported = false;  // RFC 4739
    bool another_auth_follows = false;
    bool initial_contact = false;
};
struct CertificateRequested {
    std::vector<Bytes> ca_hashes;  // SHA-1 of trusted CAs' SubjectPublicKeyInfo
};
// Responder: the peer's IKE_AUTH asked for OCSP content (RFC 4806 §3.1).
struct OcspStapleRequested {
    std::vector<Bytes> responder_hashes;  // SHA-1 of trusted OCSP responder keys (may be empty)
};
// Responder: CERT(OCSP Content) sent in the IKE_AUTH response (RFC 4806 §3.2).
struct OcspStapleSent {
    std::size_t octets = 0;
};
// Responder: asked for a staple but sent none (no stapler, or it failed).
struct OcspStapleOmitted {
    std::string reason;
};
// Initiator: the IKE_AUTH response carried CERT(OCSP Content); validating it is the caller's job.
struct OcspStapleReceived {
    Bytes response;  // DER OCSPResponse (RFC 6960 §4.2.1)
};
struct NatDetected {
    bool local_behind_nat = false;
    bool remote_behind_nat = false;
    bool floating = false;  // moving to port 4500
};
struct NatKeepaliveReceived {
    Endpoint remote;
};
struct NatKeepaliveSent {
    Endpoint remote;
};
struct IkeSaEstablished {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    Suite suite;
    bool udp_encapsulated = false;
};
// The IKE SA was rekeyed (RFC 7296 §1.3.2): the new SA has new SPIs and keys.
struct IkeSaRekeyed {
    std::uint64_t old_spi_i = 0;
    std::uint64_t old_spi_r = 0;
    std::uint64_t new_spi_i = 0;
    std::uint64_t new_spi_r = 0;
    Suite suite;
};
struct ChildSaUp {
    ChildSa child;
};
struct Deleted {
    enum class Which { kIkeSa, kChildSa } which = Which::kIkeSa;
    std::vector<std::uint32_t> child_spis;
    bool by_peer = false;
};
struct LivenessConfirmed {
    std::uint32_t message_id = 0;
};
struct NotifyReceived {
    NotifyType type = NotifyType::kInvalidSyntax;
    Bytes data;
    ExchangeType exchange = ExchangeType::kInformational;
};
struct ExchangeFailed {
    std::string reason;
    std::optional<NotifyType> notify;
};
struct DecodeError {
    std::string reason;
    std::size_t offset = 0;
};
struct Dropped {
    std::string reason;
};
struct UnexpectedMessage {
    std::string state;
    ExchangeType exchange = ExchangeType::kIkeSaInit;
    bool is_request = true;
    std::uint32_t message_id = 0;
};
struct RetransmitAnswered {
    std::uint32_t message_id = 0;
};
struct UnknownSpi {
    std::uint64_t spi_i = 0;
    std::uint64_t spi_r = 0;
    bool answered_invalid_ike_spi = false;
};

using Event =
    std::variant<MessageReceived, MessageSent, ProposalChosen, CookieSent, InvalidKeSent, RetryRequested,
                 AuthResult, CertificateRequested, NatDetected, NatKeepaliveReceived, IkeSaEstablished,
                 ChildSaUp, Deleted, LivenessConfirmed, NotifyReceived, ExchangeFailed, DecodeError, Dropped,
                 UnexpectedMessage, RetransmitAnswered, UnknownSpi, IkeSaRekeyed, NatKeepaliveSent,
                 OcspStapleRequested, OcspStapleSent, OcspStapleOmitted, OcspStapleReceived>;

std::string to_string(const Event& event);
std::string event_name(const Event& event);  // "MessageReceived", "AuthResult", ...

// What every entry point returns: datagrams to send and events, in order.
struct Output {
    std::vector<Datagram> datagrams;
    std::vector<Event> events;

    void append(Output&& other);
};

}  // namespace hnbsec::ike
