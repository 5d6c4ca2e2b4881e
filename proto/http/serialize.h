#pragma once
// HTTP/1.1 messages to bytes (RFC 9112). The body is framed by a Content-Length that
// serialize() computes, unless the caller set Transfer-Encoding itself (then the body
// is sent as given, already chunked) — so a test can still send odd framing on purpose.

#include <string>

#include "proto/http/message.h"

namespace hnbsec::http {

std::string serialize(const Response& response);  // adds Content-Length (not for 1xx/204/304)
std::string serialize(const Request& request);    // adds Content-Length when there is a body

// A body in chunked transfer coding (RFC 9112 §7.1), `chunk_size` bytes per chunk.
std::string chunked(std::string_view body, std::size_t chunk_size);

}  // namespace hnbsec::http
