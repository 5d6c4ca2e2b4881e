#include "harness/roles/ocsp/ocsp_http.h"

#include <openssl/ocsp.h>

#include "harness/roles/ocsp/base64.h"

namespace hnbsec::ocsp {

namespace {

http::Response ocsp_response(int status, const Bytes& der) {
    http::Response response;
    response.status = status;
    response.headers = {{"Content-Type", "application/ocsp-response"}, {"Cache-Control", "no-cache"}};
    response.body.assign(der.begin(), der.end());
    return response;
}

}  // namespace

std::string to_string(const OcspEvent& event) {
    std::string text = (event.peer.listener.empty() ? std::string("ocsp") : event.peer.listener) + " " +
                       event.peer.address + " " + event.method + " " + summary(event.handled);
    text +=
        event.http_status == 0 ? std::string(" -> no answer") : " -> " + std::to_string(event.http_status);
    return text;
}

OcspHttp::OcspHttp(Responder& responder, std::string path, Sink sink)
    : responder_(responder), path_(std::move(path)), sink_(std::move(sink)) {
    while (path_.size() > 1 && path_.back() == '/') path_.pop_back();
    if (path_.empty()) path_ = "/";
}

bool OcspHttp::matches(const http::Request& request) const {
    auto path = request.path();
    if (path == path_ || path == path_ + "/") return true;
    return path_ == "/" || (path.size() > path_.size() && path.substr(0, path_.size() + 1) == path_ + "/");
}

http_server::Reply OcspHttp::handle(const http::Request& request, const http_server::Peer& peer) {
    OcspEvent event;
    event.peer = peer;
    event.method = request.method;
    Bytes der;
    std::string problem;
    if (request.method == "POST") {
        der.assign(request.body.begin(), request.body.end());
        auto type = request.header("Content-Type");
        if (!type || !http::equals_ignore_case(*type, "application/ocsp-request")) {
            problem =
                "Content-Type '" + std::string(type.value_or("")) + "' (expected application/ocsp-request)";
        }
    } else if (request.method == "GET") {
        // RFC 6960 A.1: GET {url}/{url-encoding of base-64 encoding of the DER OCSPRequest}
        std::string_view rest = request.path();
        rest.remove_prefix(std::min(rest.size(), path_ == "/" ? std::size_t{1} : path_.size() + 1));
        auto decoded = percent_decode(rest);
        auto bytes = decoded.ok() ? base64_decode(*decoded) : Result<Bytes>(decoded.error());
        if (rest.empty() || !bytes.ok()) {
            event.handled.response_status = OCSP_RESPONSE_STATUS_MALFORMEDREQUEST;
            event.handled.der = error_response(OCSP_RESPONSE_STATUS_MALFORMEDREQUEST);
            event.handled.error = "GET without a base64 OCSP request" +
                                  (rest.empty() ? std::string() : ": " + bytes.error().message());
            event.handled.knobs = responder_.knobs();
            event.http_status = 400;
            if (sink_) sink_(event);
            http_server::Reply reply(ocsp_response(400, event.handled.der));
            reply.note = event.handled.error;
            return reply;
        }
        der = std::move(*bytes);
    } else {
        http::Response response;
        response.status = 405;
        response.headers = {{"Allow", "GET, POST"}};
        http_server::Reply reply(std::move(response));
        reply.note = "OCSP takes GET or POST";
        return reply;
    }
    event.handled = responder_.handle(der);
    if (!problem.empty()) event.handled.error += (event.handled.error.empty() ? "" : "; ") + problem;
    // Bytes that are no OCSP request at all: an HTTP error, with the OCSP verdict inside.
    const bool garbage = event.handled.response_status == OCSP_RESPONSE_STATUS_MALFORMEDREQUEST &&
                         event.handled.knobs.response_status == 0;
    event.http_status = garbage ? 400 : 200;
    http_server::Reply reply(ocsp_response(event.http_status, event.handled.der));
    reply.delay = event.handled.knobs.delay;
    if (event.handled.knobs.no_answer) {
        reply.drop = true;
        event.http_status = 0;
    }
    reply.note = summary(event.handled);
    if (sink_) sink_(event);
    return reply;
}

}  // namespace hnbsec::ocsp
