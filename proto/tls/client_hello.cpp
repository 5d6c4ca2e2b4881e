#include "proto/tls/client_hello.h"

#include <algorithm>

#include "proto/tls/versions.h"
#include "proto/wire/byte_reader.h"

namespace hnbsec::tls {
namespace {

std::string hex_list(const std::vector<std::uint16_t>& values) {
    std::string out;
    for (auto v : values) {
        if (!out.empty()) out += ',';
        out += hex16(v);
    }
    return out.empty() ? "-" : out;
}

Error at(const char* extension, const Error& inner) {
    return Error(std::string("ClientHello ") + extension + " extension: " + inner.what());
}

}  // namespace

std::uint16_t ClientHello::highest_version() const {
    if (supported_versions.empty()) return legacy_version;
    std::uint16_t best = 0;
    // GREASE values (RFC 8701) look like 0x?a?a and are never real versions.
    for (auto v : supported_versions) {
        if ((v & 0x0f0fU) != 0x0a0aU) best = std::max(best, v);
    }
    return best;
}

std::string ClientHello::summary() const {
    std::string out = version_name(highest_version()) + " (legacy " + version_name(legacy_version) + ")";
    // Every version offered, not only the highest: a client that also offers TLS 1.0 looks
    // like a TLS 1.3 client by its highest version alone.
    if (!supported_versions.empty()) out += " versions " + hex_list(supported_versions);
    out += " suites " + hex_list(cipher_suites);
    out += " groups " + hex_list(supported_groups);
    out += " sigalgs " + hex_list(signature_algorithms);
    out += " extensions " + hex_list(extensions);
    out += " sni " + (server_name.empty() ? std::string("-") : server_name);
    return out;
}

// RFC 8446 §4.2.1: uint8 length, then uint16 versions.
Result<std::vector<std::uint16_t>> decode_supported_versions(std::span<const std::uint8_t> body) {
    wire::ByteReader r(body);
    auto length = r.u8("length");
    if (!length.ok()) return at("supported_versions", length.error());
    auto list = r.sub(*length, "versions");
    if (!list.ok()) return at("supported_versions", list.error());
    std::vector<std::uint16_t> out;
    while (!list->empty()) {
        auto v = list->u16("version");
        if (!v.ok()) return at("supported_versions", v.error());
        out.push_back(*v);
    }
    return out;
}

// supported_groups (RFC 8446 §4.2.7) and signature_algorithms (§4.2.3): uint16 length, uint16 items.
Result<std::vector<std::uint16_t>> decode_u16_list(std::span<const std::uint8_t> body,
                                                   const char* extension) {
    wire::ByteReader r(body);
    auto length = r.u16("length");
    if (!length.ok()) return at(extension, length.error());
    auto list = r.sub(*length, "list");
    if (!list.ok()) return at(extension, list.error());
    std::vector<std::uint16_t> out;
    while (!list->empty()) {
        auto v = list->u16("item");
        if (!v.ok()) return at(extension, v.error());
        out.push_back(*v);
    }
    return out;
}

// RFC 6066 §3: ServerNameList of (uint8 type, opaque<1..2^16-1>); type 0 is host_name.
Result<std::string> decode_server_name(std::span<const std::uint8_t> body) {
    wire::ByteReader r(body);
    auto length = r.u16("list length");
    if (!length.ok()) return at("server_name", length.error());
    auto list = r.sub(*length, "server name list");
    if (!list.ok()) return at("server_name", list.error());
    while (!list->empty()) {
        auto type = list->u8("name type");
        if (!type.ok()) return at("server_name", type.error());
        auto name_length = list->u16("name length");
        if (!name_length.ok()) return at("server_name", name_length.error());
        auto name = list->bytes(*name_length, "host name");
        if (!name.ok()) return at("server_name", name.error());
        if (*type == 0) return std::string(name->begin(), name->end());
    }
    return std::string();
}

}  // namespace hnbsec::tls
