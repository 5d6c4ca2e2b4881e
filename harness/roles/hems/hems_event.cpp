#include "harness/roles/hems/hems_event.h"

namespace hnbsec::hems {

const char* to_string(EventKind kind) {
    switch (kind) {
        case EventKind::kListening:
            return "listening";
        case EventKind::kConnection:
            return "connection";
        case EventKind::kClientHello:
            return "client-hello";
        case EventKind::kTlsEstablished:
            return "tls-established";
        case EventKind::kClientCertificate:
            return "client-certificate";
        case EventKind::kTlsFailure:
            return "tls-failure";
        case EventKind::kHttpRequest:
            return "http-request";
        case EventKind::kRpcReceived:
            return "rpc-received";
        case EventKind::kRpcSent:
            return "rpc-sent";
        case EventKind::kProtocolError:
            return "protocol-error";
        case EventKind::kKnob:
            return "knob";
        case EventKind::kSessionEnd:
            return "session-end";
    }
    return "unknown";
}

std::string to_string(const HemsEvent& event) {
    std::string out = "[" + event.listener;
    if (!event.peer.empty()) out += " " + event.peer;
    out += "] ";
    out += to_string(event.kind);
    if (!event.detail.empty()) out += ": " + event.detail;
    return out;
}

}  // namespace hnbsec::hems
