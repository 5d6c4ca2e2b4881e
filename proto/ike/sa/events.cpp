#include "proto/ike/sa/events.h"

#include <cstdio>
#include <type_traits>

namespace hnbsec::ike {

namespace {

std::string spi_hex(std::uint64_t spi) {
    char buf[20];
    (void)std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(spi));
    return buf;
}

std::string spi32(std::uint32_t spi) {
    char buf[12];
    (void)std::snprintf(buf, sizeof buf, "%08x", spi);
    return buf;
}

std::string payload_list(const std::vector<PayloadType>& payloads) {
    std::string s = "[";
    for (std::size_t i = 0; i < payloads.size(); ++i) {
        if (i != 0) s += ' ';
        s += payload_type_name(payloads[i]);
    }
    return s + "]";
}

std::string id_text(const Id& id) {
    std::string s = id_type_name(id.type) + ":";
    if (id.type == IdType::kFqdn || id.type == IdType::kRfc822Addr)
        return s + std::string(id.data.begin(), id.data.end());
    return s + hex_string(id.data);
}

std::string ts_list(const std::vector<TrafficSelector>& tss) {
    std::string s;
    for (const auto& t : tss) s += (s.empty() ? "" : ", ") + to_string(t);
    return s;
}

std::string describe(const MessageReceived& e) {
    return "received " + exchange_type_name(e.exchange) + (e.is_request ? " request" : " response") + " id " +
           std::to_string(e.message_id) + " " + payload_list(e.payloads) +
           (e.fragments != 0 ? " from " + std::to_string(e.fragments) + " fragments" : "");
}
std::string describe(const MessageSent& e) {
    return std::string(e.retransmission ? "retransmitted " : "sent ") + exchange_type_name(e.exchange) +
           (e.is_request ? " request" : " response") + " id " + std::to_string(e.message_id) + " " +
           payload_list(e.payloads) +
           (e.fragments > 1 ? " in " + std::to_string(e.fragments) + " fragments" : "") + " to " +
           to_string(e.remote);
}
std::string describe(const ProposalChosen& e) {
    return "chose " + protocol_id_name(e.protocol) + " proposal " + std::to_string(e.proposal_number) + " " +
           to_string(e.suite,
                     e.protocol == ProtocolId::kIke ? ProposalProtocol::kIke : ProposalProtocol::kEsp);
}
std::string describe(const CookieSent& e) {
    return "sent COOKIE to " + to_string(e.remote);
}
std::string describe(const InvalidKeSent& e) {
    return "sent INVALID_KE_PAYLOAD: got " + to_string(e.received) + ", want " + to_string(e.requested);
}
std::string describe(const RetryRequested& e) {
    return "retrying IKE_SA_INIT: " + e.reason;
}
std::string describe(const AuthResult& e) {
    std::string s = std::string("peer authentication ") + (e.ok ? "succeeded" : "FAILED") + " for " +
                    id_text(e.peer_id) + " with " + to_string(e.method);
    if (!e.reason.empty()) s += ": " + e.reason;
    if (e.multiple_auth_supported) s += " [MULTIPLE_AUTH_SUPPORTED]";
    if (e.another_auth_follows) s += " [ANOTHER_AUTH_FOLLOWS]";
    if (e.initial_contact) s += " [INITIAL_CONTACT]";
    return s;
}
std::string describe(const CertificateRequested& e) {
    std::string s = "peer requests certificates from " + std::to_string(e.ca_hashes.size()) + " CA(s)";
    for (const auto& h : e.ca_hashes) s += " " + hex_string(h);
    return s;
}
std::string describe(const OcspStapleRequested& e) {
    std::string s = "peer requests OCSP content (RFC 4806) from " +
                    std::to_string(e.responder_hashes.size()) + " responder(s)";
    for (const auto& h : e.responder_hashes) s += " " + hex_string(h);
    return s;
}
std::string describe(const OcspStapleSent& e) {
    return "sent CERT(OCSP_CONTENT) of " + std::to_string(e.octets) + " octets";
}
std::string describe(const OcspStapleOmitted& e) {
    return "no OCSP staple sent: " + e.reason;
}
std::string describe(const OcspStapleReceived& e) {
    return "received CERT(OCSP_CONTENT) of " + std::to_string(e.response.size()) + " octets";
}
std::string describe(const NatDetected& e) {
    return std::string("NAT detection: local ") + (e.local_behind_nat ? "behind NAT" : "not behind NAT") +
           ", remote " + (e.remote_behind_nat ? "behind NAT" : "not behind NAT") +
           (e.floating ? ", floating to port 4500" : "");
}
std::string describe(const NatKeepaliveReceived& e) {
    return "NAT keepalive from " + to_string(e.remote);
}
std::string describe(const NatKeepaliveSent& e) {
    return "NAT keepalive sent to " + to_string(e.remote);
}
std::string describe(const IkeSaEstablished& e) {
    return "IKE SA " + spi_hex(e.spi_i) + "_i " + spi_hex(e.spi_r) + "_r established with " +
           to_string(e.suite) + (e.udp_encapsulated ? " (UDP-encapsulated)" : "");
}
std::string describe(const ChildSaUp& e) {
    std::string s = "CHILD SA up: spi in " + spi32(e.child.spi_in) + " out " + spi32(e.child.spi_out) + " " +
                    to_string(e.child.suite, ProposalProtocol::kEsp) + " local " + ts_list(e.child.ts_local) +
                    " remote " + ts_list(e.child.ts_remote);
    if (e.child.inner_address) s += " inner address " + to_string(Endpoint{*e.child.inner_address, 0});
    return s;
}
std::string describe(const Deleted& e) {
    if (e.which == Deleted::Which::kIkeSa)
        return std::string("IKE SA deleted") + (e.by_peer ? " by peer" : "");
    std::string s = "CHILD SA deleted";
    for (auto spi : e.child_spis) s += " " + spi32(spi);
    return s + (e.by_peer ? " by peer" : "");
}
std::string describe(const LivenessConfirmed& e) {
    return "liveness check id " + std::to_string(e.message_id) + " answered";
}
std::string describe(const NotifyReceived& e) {
    return "notify " + notify_type_name(e.type) + " in " + exchange_type_name(e.exchange) +
           (e.data.empty() ? "" : " data " + hex_string(e.data));
}
std::string describe(const ExchangeFailed& e) {
    return "exchange failed: " + e.reason + (e.notify ? " (" + notify_type_name(*e.notify) + ")" : "");
}
std::string describe(const DecodeError& e) {
    return "decode error at offset " + std::to_string(e.offset) + ": " + e.reason;
}
std::string describe(const Dropped& e) {
    return "dropped: " + e.reason;
}
std::string describe(const UnexpectedMessage& e) {
    return "unexpected " + exchange_type_name(e.exchange) + (e.is_request ? " request" : " response") +
           " id " + std::to_string(e.message_id) + " in state " + e.state;
}
std::string describe(const RetransmitAnswered& e) {
    return "retransmitted request id " + std::to_string(e.message_id) + " answered from cache";
}
std::string describe(const UnknownSpi& e) {
    return "no IKE SA for " + spi_hex(e.spi_i) + "_i " + spi_hex(e.spi_r) + "_r" +
           (e.answered_invalid_ike_spi ? " (answered INVALID_IKE_SPI)" : "");
}

std::string describe(const IkeSaRekeyed& e) {
    return "IKE SA " + spi_hex(e.old_spi_i) + "_i " + spi_hex(e.old_spi_r) + "_r rekeyed to " +
           spi_hex(e.new_spi_i) + "_i " + spi_hex(e.new_spi_r) + "_r with " + to_string(e.suite);
}

template <typename T>
constexpr const char* name_of() {
    if constexpr (std::is_same_v<T, MessageReceived>) return "MessageReceived";
    if constexpr (std::is_same_v<T, MessageSent>) return "MessageSent";
    if constexpr (std::is_same_v<T, ProposalChosen>) return "ProposalChosen";
    if constexpr (std::is_same_v<T, CookieSent>) return "CookieSent";
    if constexpr (std::is_same_v<T, InvalidKeSent>) return "InvalidKeSent";
    if constexpr (std::is_same_v<T, RetryRequested>) return "RetryRequested";
    if constexpr (std::is_same_v<T, AuthResult>) return "AuthResult";
    if constexpr (std::is_same_v<T, CertificateRequested>) return "CertificateRequested";
    if constexpr (std::is_same_v<T, NatDetected>) return "NatDetected";
    if constexpr (std::is_same_v<T, NatKeepaliveReceived>) return "NatKeepaliveReceived";
    if constexpr (std::is_same_v<T, IkeSaEstablished>) return "IkeSaEstablished";
    if constexpr (std::is_same_v<T, ChildSaUp>) return "ChildSaUp";
    if constexpr (std::is_same_v<T, Deleted>) return "Deleted";
    if constexpr (std::is_same_v<T, LivenessConfirmed>) return "LivenessConfirmed";
    if constexpr (std::is_same_v<T, NotifyReceived>) return "NotifyReceived";
    if constexpr (std::is_same_v<T, ExchangeFailed>) return "ExchangeFailed";
    if constexpr (std::is_same_v<T, DecodeError>) return "DecodeError";
    if constexpr (std::is_same_v<T, Dropped>) return "Dropped";
    if constexpr (std::is_same_v<T, UnexpectedMessage>) return "UnexpectedMessage";
    if constexpr (std::is_same_v<T, RetransmitAnswered>) return "RetransmitAnswered";
    if constexpr (std::is_same_v<T, UnknownSpi>) return "UnknownSpi";
    if constexpr (std::is_same_v<T, IkeSaRekeyed>) return "IkeSaRekeyed";
    if constexpr (std::is_same_v<T, NatKeepaliveSent>) return "NatKeepaliveSent";
    if constexpr (std::is_same_v<T, OcspStapleRequested>) return "OcspStapleRequested";
    if constexpr (std::is_same_v<T, OcspStapleSent>) return "OcspStapleSent";
    if constexpr (std::is_same_v<T, OcspStapleOmitted>) return "OcspStapleOmitted";
    if constexpr (std::is_same_v<T, OcspStapleReceived>) return "OcspStapleReceived";
    return "Event";
}

}  // namespace

std::string to_string(const Event& event) {
    return std::visit(
        [](const auto& e) { return std::string(name_of<std::decay_t<decltype(e)>>()) + ": " + describe(e); },
        event);
}

std::string event_name(const Event& event) {
    return std::visit([](const auto& e) { return std::string(name_of<std::decay_t<decltype(e)>>()); }, event);
}

void Output::append(Output&& other) {
    for (auto& d : other.datagrams) datagrams.push_back(std::move(d));
    for (auto& e : other.events) events.push_back(std::move(e));
}

}  // namespace hnbsec::ike
