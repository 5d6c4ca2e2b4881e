#pragma once
// What the H(e)MS role saw, as typed events for the test case's timeline and for the
// one-line-per-event output of `hnbsec hems`. Events never carry key material.

#include <string>

namespace hnbsec::hems {

enum class EventKind {
    kListening,          // detail: address:port and the certificate presented
    kConnection,         // a TCP connection was accepted
    kClientHello,        // detail: ClientHello summary (versions, suites, groups, sigalgs, SNI)
    kTlsEstablished,     // detail: negotiated version and cipher
    kClientCertificate,  // detail: subject, verified yes/no, reason
    kTlsFailure,         // detail: why the handshake failed
    kHttpRequest,        // a request that carried no CWMP envelope (empty POST, GET ...)
    kRpcReceived,        // detail: RPC name, cwmp:ID, device, event codes
    kRpcSent,            // detail: RPC name, cwmp:ID
    kProtocolError,      // undecodable envelope or an RPC out of place
    kKnob,               // a test knob acted (redirect sent, connection dropped)
    kSessionEnd,         // detail: how (204, connection closed, dropped)
};

struct HemsEvent {
    EventKind kind = EventKind::kConnection;
    std::string listener;  // "public" (initial H(e)MS) or "inside_tunnel" (serving H(e)MS)
    std::string peer;      // "127.0.0.1:40022"
    std::string detail;
};

const char* to_string(EventKind kind);
// "[public 127.0.0.1:40022] rpc-received: Inform id=1 ..."
std::string to_string(const HemsEvent& event);

}  // namespace hnbsec::hems
