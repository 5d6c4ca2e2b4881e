#pragma once
// One CWMP session as the ACS runs it (TR-069 §3.7): the CPE POSTs an Inform, the ACS
// answers InformResponse; then every POST (a response to our last RPC, a TransferComplete,
// or an empty POST) gets the next queued RPC, and HTTP 204 when none is left ends the
// session. The states and what each request does in each state are decided in one place
// (on_request); test knobs (redirect to http, drop mid-session) act here too.
// Pure logic over HTTP values: the service feeds requests and writes the replies.

#include <functional>
#include <optional>
#include <string>

#include "harness/roles/hems/hems_event.h"
#include "harness/roles/hems/rpc_queue.h"
#include "proto/cwmp/envelope.h"
#include "proto/http/message.h"

namespace hnbsec::hems {

struct SessionKnobs {
    // TR-069 / HEMS-006 stimulus: answer the first POST with a 302 to this (http://) URL.
    std::optional<std::string> redirect_to;
    // Drop the connection (no response) when this request of the connection arrives; 0: never.
    int drop_at_request = 0;
};

class AcsSession {
public:
    enum class State { kAwaitInform, kInSession, kEnded };

    struct Reply {
        http::Response response;
        bool close = false;  // close the connection after the response
        bool drop = false;   // close the connection without any response
    };

    using Emit = std::function<void(EventKind, std::string)>;

    AcsSession(RpcQueue& queue, SessionKnobs knobs, Emit emit);

    Reply on_request(const http::Request& request);
    // The connection ended; emits session-end unless the session already ended.
    void on_connection_closed(const std::string& how);

    State state() const { return state_; }
    const std::optional<cwmp::DeviceId>& device() const { return device_; }

private:
    Reply on_envelope(const cwmp::Envelope& envelope);
    Reply next_rpc_or_end();
    Reply send(cwmp::Rpc rpc, const std::string& id);
    Reply error(int status, const std::string& why);

    RpcQueue& queue_;
    SessionKnobs knobs_;
    Emit emit_;
    State state_ = State::kAwaitInform;
    std::optional<cwmp::DeviceId> device_;
    int cwmp_minor_ = 0;
    int requests_ = 0;
    int sent_ = 0;
};

// "Inform id=1 device=0001A2-SN0001 events=[1 BOOT, 7 TRANSFER COMPLETE]" and similar.
std::string describe(const cwmp::Envelope& envelope);

}  // namespace hnbsec::hems
