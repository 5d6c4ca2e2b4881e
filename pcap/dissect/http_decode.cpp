#include <algorithm>
#include <charconv>
#include <string_view>

#include "pcap/dissect/app_decode.h"

namespace hnbsec::pcap {
namespace {

constexpr std::size_t kMaxHead = std::size_t{64} * 1024;
constexpr std::size_t kMaxBody = std::size_t{1024} * 1024;  // CWMP and OCSP messages are far smaller

std::string_view as_text(std::span<const std::uint8_t> s) {
    return {reinterpret_cast<const char*>(s.data()), s.size()};
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) { return (x | 0x20) == (y | 0x20); });
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

// The value of header `name` in a head (RFC 9112 §5), or empty.
std::string_view header(std::string_view head, std::string_view name) {
    std::size_t pos = head.find('\n');
    while (pos != std::string_view::npos && pos + 1 < head.size()) {
        const std::size_t end = head.find('\n', pos + 1);
        const std::string_view line =
            head.substr(pos + 1, end == std::string_view::npos ? end : end - pos - 1);
        const std::size_t colon = line.find(':');
        if (colon != std::string_view::npos && iequals(trim(line.substr(0, colon)), name))
            return trim(line.substr(colon + 1));
        pos = end;
    }
    return {};
}

// The first element inside the SOAP Body (TR-069 §A.3.1: the RPC method), as written:
// "cwmp:Inform". Text search on purpose: a capture may hold partial or broken XML.
std::string soap_method(std::string_view body) {
    std::size_t at = 0;
    while ((at = body.find('<', at)) != std::string_view::npos) {
        const std::size_t end = body.find_first_of(" \t\r\n/>", at + 1);
        if (end == std::string_view::npos) return {};
        const std::string_view name = body.substr(at + 1, end - at - 1);
        const std::size_t colon = name.find(':');
        const std::string_view local = colon == std::string_view::npos ? name : name.substr(colon + 1);
        if (local == "Body") {
            const std::size_t close = body.find('>', end);
            if (close == std::string_view::npos) return {};
            std::size_t next = body.find('<', close);
            while (next != std::string_view::npos && next + 1 < body.size() &&
                   (body[next + 1] == '!' || body[next + 1] == '?'))
                next = body.find('<', next + 1);
            if (next == std::string_view::npos || next + 1 >= body.size() || body[next + 1] == '/') return {};
            const std::size_t name_end = body.find_first_of(" \t\r\n/>", next + 1);
            if (name_end == std::string_view::npos) return {};
            return std::string(body.substr(next + 1, name_end - next - 1));
        }
        at = end;
    }
    return {};
}

}  // namespace

bool looks_like_http(std::span<const std::uint8_t> stream) {
    const std::string_view s = as_text(stream.first(std::min<std::size_t>(stream.size(), 8)));
    for (std::string_view prefix : {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ", "OPTIONS", "HTTP/1."}) {
        if (s.starts_with(prefix)) return true;
    }
    return false;
}

Result<std::optional<std::size_t>> http_message_size(std::span<const std::uint8_t> stream) {
    const std::string_view s = as_text(stream);
    const std::size_t head_end = s.find("\r\n\r\n");
    if (head_end == std::string_view::npos) {
        if (s.size() > kMaxHead) return Error("HTTP head longer than " + std::to_string(kMaxHead) + " bytes");
        return std::optional<std::size_t>{};
    }
    const std::string_view head = s.substr(0, head_end);
    std::size_t body = 0;
    const std::string_view length = header(head, "Content-Length");
    if (!length.empty()) {
        auto [ptr, ec] = std::from_chars(length.data(), length.data() + length.size(), body);
        if (ec != std::errc() || ptr != length.data() + length.size() || body > kMaxBody)
            return Error("HTTP Content-Length \"" + std::string(length) + "\" is not a size up to " +
                         std::to_string(kMaxBody));
    }
    const std::size_t total = head_end + 4 + body;
    if (s.size() < total) return std::optional<std::size_t>{};
    return std::optional<std::size_t>(total);
}

Result<HttpInfo> decode_http_message(std::span<const std::uint8_t> message) {
    const std::string_view s = as_text(message);
    const std::size_t head_end = s.find("\r\n\r\n");
    const std::string_view head = s.substr(0, head_end);
    const std::string_view body =
        head_end == std::string_view::npos ? std::string_view{} : s.substr(head_end + 4);
    const std::string_view line = trim(head.substr(0, head.find('\n')));
    HttpInfo info;
    const std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos)
        return Error("HTTP start line without a space: \"" + std::string(line) + "\"");
    if (line.starts_with("HTTP/")) {
        const std::string_view code = line.substr(sp1 + 1, 3);
        auto [ptr, ec] = std::from_chars(code.data(), code.data() + code.size(), info.status);
        if (ec != std::errc() || code.size() != 3) return Error("HTTP status line without a status code");
    } else {
        info.request = true;
        info.method = line.substr(0, sp1);
        const std::size_t sp2 = line.find(' ', sp1 + 1);
        info.target =
            line.substr(sp1 + 1, sp2 == std::string_view::npos ? std::string_view::npos : sp2 - sp1 - 1);
    }
    info.content_type = header(head, "Content-Type");
    const std::string_view media =
        trim(std::string_view(info.content_type).substr(0, info.content_type.find(';')));
    info.ocsp = iequals(media, "application/ocsp-request") || iequals(media, "application/ocsp-response");
    if (body.find("Envelope") != std::string_view::npos) info.soap_method = soap_method(body);
    return info;
}

}  // namespace hnbsec::pcap
