#include "proto/http/serialize.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace hnbsec::http {

namespace {

// Writes the caller's fields except the Content-Length we compute ourselves.
void append_fields(std::string& out, const std::vector<Header>& headers) {
    for (const auto& h : headers) {
        if (equals_ignore_case(h.name, "Content-Length")) continue;
        out += h.name;
        out += ": ";
        out += h.value;
        out += "\r\n";
    }
}

void finish(std::string& out, const std::vector<Header>& headers, const std::string& body, bool with_length) {
    append_fields(out, headers);
    if (with_length && !find_header(headers, "Transfer-Encoding")) {
        out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    out += "\r\n";
    out += body;
}

}  // namespace

std::string serialize(const Response& response) {
    std::string out = response.version.empty() ? "HTTP/1.1" : response.version;
    out += ' ';
    out += std::to_string(response.status);
    out += ' ';
    out += response.reason.empty() ? std::string(reason_phrase(response.status)) : response.reason;
    out += "\r\n";
    bool bodyless = response.status < 200 || response.status == 204 || response.status == 304;
    finish(out, response.headers, bodyless ? std::string() : response.body, !bodyless);
    return out;
}

std::string serialize(const Request& request) {
    std::string out = request.method + ' ' + request.target + ' ' +
                      (request.version.empty() ? std::string("HTTP/1.1") : request.version) + "\r\n";
    bool with_length = !request.body.empty() || request.method == "POST" || request.method == "PUT";
    finish(out, request.headers, request.body, with_length);
    return out;
}

std::string chunked(std::string_view body, std::size_t chunk_size) {
    std::string out;
    chunk_size = std::max<std::size_t>(chunk_size, 1);
    while (!body.empty()) {
        auto n = std::min(chunk_size, body.size());
        std::array<char, 24> size{};
        auto written = std::to_chars(size.data(), size.data() + size.size(), n, 16);
        out.append(size.data(), written.ptr);
        out += "\r\n";
        out.append(body.substr(0, n));
        out += "\r\n";
        body.remove_prefix(n);
    }
    out += "0\r\n\r\n";
    return out;
}

}  // namespace hnbsec::http
