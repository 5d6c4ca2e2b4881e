#include "harness/profile/identifiers.h"

#include <algorithm>
#include <cctype>

#include "harness/profile/address.h"

namespace hnbsec::profile {
namespace {

bool is_alnum(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0;
}

std::string quoted(std::string_view text) {
    return "'" + std::string(text) + "'";
}

}  // namespace

Status check_eui(std::string_view eui) {
    const bool all_hex = std::all_of(
        eui.begin(), eui.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; });
    if (!all_hex || (eui.size() != 12 && eui.size() != 16)) {
        return Error(quoted(eui) +
                     " is not an EUI: write exactly 12 (EUI-48) or 16 (EUI-64) hex digits, no separators, "
                     "leading zeros kept");
    }
    return Ok{};
}

Status check_dns_name(std::string_view name) {
    if (name.empty()) return Error("the DNS name is empty");
    if (name.size() > 253) return Error(quoted(name) + " is longer than 253 characters");
    std::size_t start = 0;
    while (true) {
        const auto dot = name.find('.', start);
        const auto label =
            name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
        if (label.empty() || label.size() > 63) {
            return Error(quoted(name) + " is not a DNS name: labels must be 1..63 characters");
        }
        const bool ok_chars =
            std::all_of(label.begin(), label.end(), [](char c) { return is_alnum(c) || c == '-'; });
        if (!ok_chars || label.front() == '-' || label.back() == '-') {
            return Error(quoted(name) +
                         " is not a DNS name: use letters, digits and inner hyphens in dot-separated labels");
        }
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return Ok{};
}

Status check_nai(std::string_view nai) {
    const auto at = nai.rfind('@');
    if (at == std::string_view::npos || at == 0) {
        return Error(quoted(nai) + " is not a NAI: expected username@realm");
    }
    const auto user = nai.substr(0, at);
    const bool ok_user = std::all_of(user.begin(), user.end(), [](char c) {
        return std::isgraph(static_cast<unsigned char>(c)) != 0 && c != '@';
    });
    if (!ok_user) return Error(quoted(nai) + " is not a NAI: the username has spaces or control characters");
    if (auto realm = check_dns_name(nai.substr(at + 1)); !realm.ok()) {
        return Error(quoted(nai) + " is not a NAI: its realm is not a DNS name");
    }
    return Ok{};
}

Status check_interface_name(std::string_view name) {
    const bool ok_chars = std::all_of(name.begin(), name.end(), [](char c) {
        return std::isgraph(static_cast<unsigned char>(c)) != 0 && c != '/' && c != ':';
    });
    if (name.empty() || name.size() > 15 || !ok_chars || name == "." || name == "..") {
        return Error(quoted(name) +
                     " is not a Linux interface name (1..15 characters, no '/', ':' or spaces)");
    }
    return Ok{};
}

Status check_env_var_name(std::string_view name) {
    const bool ok_chars =
        std::all_of(name.begin(), name.end(), [](char c) { return is_alnum(c) || c == '_'; });
    if (name.empty() || !ok_chars || std::isdigit(static_cast<unsigned char>(name.front())) != 0) {
        return Error(quoted(name) + " is not an environment variable name ([A-Za-z_][A-Za-z0-9_]*)");
    }
    return Ok{};
}

Status check_manifest_name(std::string_view name) {
    const bool ok_chars = std::all_of(name.begin(), name.end(),
                                      [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; });
    if (name.empty() || !ok_chars || name.front() == '.') {
        return Error(quoted(name) + " is not a PKI manifest name (letters, digits, '.', '_', '-')");
    }
    return Ok{};
}

Status check_host(std::string_view host) {
    if (parse_ip_address(host).ok()) return Ok{};
    if (check_dns_name(host).ok()) return Ok{};
    return Error(quoted(host) + " is neither an IP address nor a DNS name");
}

}  // namespace hnbsec::profile
