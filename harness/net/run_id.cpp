#include "harness/net/run_id.h"

#include <array>
#include <cstdint>

#include <sys/random.h>

namespace hnbsec::net {
namespace {

constexpr std::array<NameRole, 6> kRoles = {NameRole::kDutNamespace,  NameRole::kPublicNamespace,
                                            NameRole::kCoreNamespace, NameRole::kDutVeth,
                                            NameRole::kPublicVeth,    NameRole::kTun};

bool valid_id_char(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z');
}

}  // namespace

std::string_view suffix(NameRole role) {
    switch (role) {
        case NameRole::kDutNamespace:
            return "dut";
        case NameRole::kPublicNamespace:
            return "pub";
        case NameRole::kCoreNamespace:
            return "core";
        case NameRole::kDutVeth:
            return "v0";
        case NameRole::kPublicVeth:
            return "v1";
        case NameRole::kTun:
            return "tun";
    }
    return "?";
}

RunId RunId::generate() {
    std::array<std::uint8_t, 3> bytes{};
    // getrandom of 3 bytes from an initialised pool does not fail or return short;
    // should it, the zero bytes still give a valid (if unlucky) ID and the lock
    // catches a collision.
    if (::getrandom(bytes.data(), bytes.size(), 0) != static_cast<ssize_t>(bytes.size())) bytes = {};
    static constexpr std::string_view kHex = "0123456789abcdef";
    std::string text;
    for (const auto b : bytes) {
        text += kHex[b >> 4U];
        text += kHex[b & 0x0FU];
    }
    return RunId(std::move(text));
}

Result<RunId> RunId::parse(std::string_view text) {
    if (text.empty() || text.size() > kMaxRunIdLength) {
        return Error("run ID '" + std::string(text) + "' must have 1 to " + std::to_string(kMaxRunIdLength) +
                     " characters (interface names are limited to 15)");
    }
    for (const char c : text) {
        if (!valid_id_char(c)) {
            return Error("run ID '" + std::string(text) + "' may only contain 0-9 and a-z");
        }
    }
    return RunId(std::string(text));
}

std::string RunId::name(NameRole role) const {
    return std::string(kNamePrefix) + text_ + "-" + std::string(suffix(role));
}

std::optional<OwnedName> parse_owned_name(std::string_view name) {
    if (!name.starts_with(kNamePrefix)) return std::nullopt;
    const auto rest = name.substr(kNamePrefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos) return std::nullopt;
    auto id = RunId::parse(rest.substr(0, dash));
    if (!id.ok()) return std::nullopt;
    const auto tail = rest.substr(dash + 1);
    for (const auto role : kRoles) {
        if (tail == suffix(role)) return OwnedName{std::move(*id), role};
    }
    return std::nullopt;
}

}  // namespace hnbsec::net
