#pragma once
// OCSP over HTTP (RFC 6960 Appendix A.1): POST with an application/ocsp-request body
// to the responder's path, or GET with the base64 request, percent-encoded, appended
// to it. The answer is application/ocsp-response; the knobs `no-answer` and `delay`
// act here, on the transport. Bytes that are not an OCSP request get HTTP 400 with a
// malformedRequest response in the body. Every request becomes one OcspEvent.

#include <functional>
#include <optional>
#include <string>

#include "harness/roles/http_server/http_server.h"
#include "harness/roles/ocsp/responder.h"
#include "proto/http/message.h"

namespace hnbsec::ocsp {

struct OcspEvent {
    http_server::Peer peer;  // peer.listener: the transport/path label ("public", "inside_tunnel")
    std::string method;      // GET | POST
    int http_status = 0;     // 0: no answer (knob)
    Handled handled;         // certificates, nonce, what was answered (handled.der: the bytes sent)
};

// "public GET operator-ca/0FF3 segw good; nonce; signer ocsp-signer -> 200".
std::string to_string(const OcspEvent& event);

class OcspHttp {
public:
    using Sink = std::function<void(const OcspEvent&)>;

    // `path` is where the responder lives ("/ocsp", the path of pixit.ocsp_url).
    OcspHttp(Responder& responder, std::string path, Sink sink = nullptr);

    // True when the request is addressed to the responder (its path, or below it for GET).
    bool matches(const http::Request& request) const;
    http_server::Reply handle(const http::Request& request, const http_server::Peer& peer);

private:
    Responder& responder_;
    std::string path_;
    Sink sink_;
};

}  // namespace hnbsec::ocsp
