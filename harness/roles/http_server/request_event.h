#pragma once
// What the plain HTTP server reports for every request it saw, answered or not: the
// raw material of a test case's timeline ("the DUT fetched /crl over the public side").

#include <cstddef>
#include <cstdint>
#include <string>

namespace hnbsec::http_server {

// The client of one connection, and the listener it came in on.
struct Peer {
    std::string address;  // IP literal
    std::uint16_t port = 0;
    std::string listener;  // label given to the listener ("public", "inside_tunnel")
};

struct RequestEvent {
    Peer peer;
    std::string method;  // empty when the request line never parsed
    std::string target;
    int status = 0;  // 0: nothing was sent (dropped, timed out, peer went away)
    std::size_t request_bytes = 0;
    std::size_t response_bytes = 0;
    std::string note;  // parse error, handler remark ("revoked keyCompromise"), timeout
};

// "public 127.0.0.1:40000 POST /ocsp -> 200 (120 B in, 1500 B out) note".
std::string to_string(const RequestEvent& event);

}  // namespace hnbsec::http_server
