#pragma once
// HTTP/1.1 messages (RFC 9110 semantics, RFC 9112 framing) as plain values. Shared by
// the harness's HTTP roles (OCSP responder, CRL server, H(e)MS) and by our clients
// (the emulated H(e)NB, tests). The codec is hand-written so that a test tool sees and
// controls every byte, and so that bad bytes from a device become a precise error.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hnbsec::http {

struct Header {
    std::string name, value;
    bool operator==(const Header&) const = default;
};

// First header named `name` (field names are case-insensitive, RFC 9110 §5.1).
std::optional<std::string_view> find_header(const std::vector<Header>& headers, std::string_view name);

// ASCII case-insensitive comparison, for field names and tokens such as "chunked".
bool equals_ignore_case(std::string_view a, std::string_view b);

struct Request {
    std::string method, target, version;
    std::vector<Header> headers;
    std::string body;

    std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
    // RFC 9112 §9.3: HTTP/1.1 stays open unless "Connection: close"; HTTP/1.0 closes
    // unless "Connection: keep-alive".
    bool keep_alive() const;
    // The target's path without the query ("/ocsp" of "/ocsp?x=1").
    std::string_view path() const;
    bool operator==(const Request&) const = default;
};

struct Response {
    int status = 200;
    std::string reason;  // empty: the standard phrase for `status`
    std::vector<Header> headers;
    std::string body;
    std::string version = "HTTP/1.1";

    std::optional<std::string_view> header(std::string_view name) const { return find_header(headers, name); }
    bool operator==(const Response&) const = default;
};

// Bounds applied before any length from the peer is trusted.
struct Limits {
    std::size_t max_header_bytes = 16 * 1024;  // start line + header fields (+ chunked trailers)
    std::size_t max_body_bytes = 1024 * 1024;  // decoded body
};

// The standard reason phrase ("Not Found"), or "Unknown" for codes we do not name.
std::string_view reason_phrase(int status);

}  // namespace hnbsec::http
