#include "harness/roles/http_server/request_event.h"

namespace hnbsec::http_server {

std::string to_string(const RequestEvent& event) {
    std::string text = event.peer.listener.empty() ? std::string("http") : event.peer.listener;
    text += ' ';
    text += event.peer.address.find(':') == std::string::npos ? event.peer.address
                                                              : "[" + event.peer.address + "]";
    text += ':' + std::to_string(event.peer.port) + ' ';
    text += event.method.empty() ? std::string("-") : event.method;
    text += ' ';
    // Targets come from the peer: cap them so a hostile one cannot flood the log.
    text += event.target.empty() ? std::string("-") : event.target.substr(0, 200);
    text += event.status == 0 ? std::string(" -> no answer") : " -> " + std::to_string(event.status);
    text += " (" + std::to_string(event.request_bytes) + " B in, " + std::to_string(event.response_bytes) +
            " B out)";
    if (!event.note.empty()) text += ' ' + event.note;
    return text;
}

}  // namespace hnbsec::http_server
