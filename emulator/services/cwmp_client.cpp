// send_inform: one CWMP session as TR-069 §3.7.2 runs it from the CPE, each step named in
// the error it can end with (resolve, connect, TLS handshake, Inform, empty POST).

#include "emulator/services/cwmp_client.h"

#include <memory>

#include "emulator/services/acs_reply.h"
#include "emulator/services/byte_stream.h"
#include "emulator/services/cwmp_messages.h"
#include "emulator/services/cwmp_url.h"
#include "emulator/services/http_exchange.h"
#include "emulator/services/tls_stream.h"

namespace hnbsec::emulator {
namespace {

// How many ACS requests one session answers before the CPE gives up on reaching 204:
// an ACS that never ends the session must not hold the device forever.
constexpr int kMaxAcsRequests = 16;

// TR-069 §3.2: the CPE's own connection request port.
constexpr int kConnectionRequestPort = 7547;

bool closes_connection(const http::Response& response) {
    auto connection = response.header("Connection");
    return (connection && http::equals_ignore_case(*connection, "close")) || response.version == "HTTP/1.0";
}

struct Session {
    const InformRequest& request;
    const CwmpUrl& url;
    Deadline deadline;
    std::unique_ptr<ByteStream> stream;
    std::vector<std::string> cookies;
    bool closed = false;

    Result<http::Response> post(std::string body, const std::string& soap_action, const std::string& step) {
        if (closed) return Error("the ACS closed the connection after the previous response, before " + step);
        auto response =
            http_exchange(*stream, make_cwmp_post(url, std::move(body), soap_action, cookies), deadline);
        if (!response.ok()) return std::move(response).error().context(step);
        remember_cookies(*response, cookies);
        closed = closes_connection(*response);
        return response;
    }
};

Result<InformResult> run_session(const InformRequest& request, const CwmpUrl& url, Deadline deadline) {
    const bool use_tls = url.https && !request.plain_http;
    if (!url.https && !request.plain_http) {
        return Error("the ACS URL " + request.url +
                     " is plain http://, and CWMP goes over TLS only (TS 33.320 §4.4.6)");
    }

    if (use_tls && request.verify_chain && request.trust_anchors_pem.empty()) {
        return Error("no trust anchors configured to validate the H(e)MS certificate");
    }

    HNBSEC_TRY(const SocketAddress server, resolve_address(url.host, url.port));
    const std::string where = address_text(server);
    // The context is ready before the TCP connection so a bad chain or key costs no traffic.
    tls::SslCtxPtr context;
    if (use_tls) {
        TlsClientOptions options{request.key, request.chain, request.trust_anchors_pem, request.offer_tls10,
                                 request.send_client_cert};
        auto built = build_client_context(options);
        if (!built.ok()) return std::move(built).error().context("preparing the TLS client");
        context = std::move(built).value();
    }

    auto socket = open_client_socket(SOCK_STREAM, server, {request.bind_address, request.bind_device});
    if (!socket.ok()) return std::move(socket).error().context("opening the TCP socket to " + where);
    auto connected = connect_before(*socket, server, deadline);
    if (!connected.ok()) return std::move(connected).error().context("connecting to the ACS " + where);
    HNBSEC_TRY(const std::string local, local_host(*socket));

    InformResult result;
    Session session{request, url, deadline, nullptr, {}, false};
    if (use_tls) {
        TlsPeerCheck check{url.host, url.host_is_ip, request.verify_chain, request.verify_hostname};
        auto tls = TlsStream::handshake(std::move(socket).value(), context.get(), check, deadline);
        if (!tls.ok()) return std::move(tls).error().context("doing the TLS handshake with the ACS " + where);
        result.tls_version = (*tls)->version();
        result.cipher = (*tls)->cipher();
        result.peer_subject = (*tls)->peer_subject();
        session.stream = std::move(tls).value();
    } else {
        result.tls_version = "none";
        session.stream = std::make_unique<PlainStream>(std::move(socket).value());
    }

    const std::string host = local.find(':') != std::string::npos ? "[" + local + "]" : local;
    const std::string connection_request_url =
        "http://" + host + ":" + std::to_string(kConnectionRequestPort) + "/";
    const cwmp::Envelope inform =
        make_boot_inform(request.device_id, connection_request_url, std::chrono::system_clock::now(), "1");
    HNBSEC_TRY(const http::Response inform_reply,
               session.post(cwmp::encode_envelope(inform), cwmp::cwmp_namespace(kCwmpMinor) + "#Inform",
                            "posting the Inform to " + request.url));
    result.inform_status = inform_reply.status;
    auto inform_ok = check_inform_reply(inform_reply);
    if (!inform_ok.ok()) return std::move(inform_ok).error().context("checking the answer to the Inform");
    result.inform_response = true;

    // TR-069 §3.7.2.4: with nothing left to send, the CPE posts empty bodies until the ACS
    // ends the session; each ACS request in between gets an answer (here: Fault 9000).
    std::string next_body;
    for (int turn = 0; turn <= kMaxAcsRequests; ++turn) {
        const std::string step =
            next_body.empty() ? "sending the empty POST" : "sending the answer to the ACS's request";
        HNBSEC_TRY(const http::Response reply, session.post(std::move(next_body), "", step));
        result.close_status = reply.status;
        auto next = next_acs_turn(reply);
        if (!next.ok()) return std::move(next).error().context(step);
        if (next->session_end) return result;
        next_body = std::move(next->answer);
    }
    return Error("the ACS did not end the session after " + std::to_string(kMaxAcsRequests) + " requests");
}

}  // namespace

Result<InformResult> send_inform(const InformRequest& request) {
    const Deadline deadline = std::chrono::steady_clock::now() + request.timeout;
    auto session = [&]() -> Result<InformResult> {
        HNBSEC_TRY(const CwmpUrl url, parse_cwmp_url(request.url));
        return run_session(request, url, deadline);
    }();
    if (!session.ok())
        return std::move(session).error().context("running the CWMP session with " + request.url);
    return session;
}

}  // namespace hnbsec::emulator
