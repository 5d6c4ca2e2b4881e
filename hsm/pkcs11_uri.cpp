#include "hsm/pkcs11_uri.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace hnbsec::hsm {
namespace {

constexpr std::array<std::pair<ObjectType, std::string_view>, 5> kTypeNames = {{
    {ObjectType::kPrivate, "private"},
    {ObjectType::kPublic, "public"},
    {ObjectType::kCert, "cert"},
    {ObjectType::kSecretKey, "secret-key"},
    {ObjectType::kData, "data"},
}};

bool is_unreserved(unsigned char c) {
    return std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

void append_encoded(std::string& out, unsigned char c) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '%';
    out += kHex[c >> 4];
    out += kHex[c & 0x0f];
}

std::string encode(std::string_view value) {
    std::string out;
    for (unsigned char c : value) {
        if (is_unreserved(c)) {
            out += static_cast<char>(c);
        } else {
            append_encoded(out, c);
        }
    }
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// Percent-decodes one attribute value; `name` is only used in messages.
Result<std::string> decode(std::string_view value, std::string_view name) {
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        char c = value[i];
        if (c == '%') {
            int high = i + 2 < value.size() ? hex_value(value[i + 1]) : -1;
            int low = i + 2 < value.size() ? hex_value(value[i + 2]) : -1;
            if (high < 0 || low < 0) {
                return Error("pkcs11: URI attribute '" + std::string(name) +
                             "' has a '%' not followed by two hex digits");
            }
            out += static_cast<char>(high * 16 + low);
            i += 2;
        } else {
            out += c;
        }
    }
    return out;
}

Result<ObjectType> parse_type(std::string_view value) {
    for (const auto& [type, name] : kTypeNames) {
        if (value == name) return type;
    }
    return Error("pkcs11: URI attribute 'type' must be private, public, cert, secret-key or data");
}

}  // namespace

std::string_view object_type_name(ObjectType type) {
    for (const auto& [candidate, name] : kTypeNames) {
        if (candidate == type) return name;
    }
    return "unknown";
}

std::string Pkcs11Uri::format() const {
    std::string out = "pkcs11:";
    auto add = [&out](std::string_view name, const std::string& encoded) {
        if (out.back() != ':') out += ';';
        out += name;
        out += '=';
        out += encoded;
    };
    if (!token.empty()) add("token", encode(token));
    if (!object.empty()) add("object", encode(object));
    if (!id.empty()) {
        std::string encoded;
        for (std::uint8_t byte : id) append_encoded(encoded, byte);
        add("id", encoded);
    }
    if (type) add("type", std::string(object_type_name(*type)));
    return out;
}

Result<Pkcs11Uri> Pkcs11Uri::parse(std::string_view uri) {
    constexpr std::string_view kScheme = "pkcs11:";
    if (uri.size() < kScheme.size() ||
        !std::equal(kScheme.begin(), kScheme.end(), uri.begin(),
                    [](char a, char b) { return a == std::tolower(static_cast<unsigned char>(b)); })) {
        return Error("not a pkcs11: URI (RFC 7512); expected e.g. pkcs11:token=hnbsec-device;object=device");
    }
    std::string_view path = uri.substr(kScheme.size());
    if (path.find('?') != std::string_view::npos) {
        return Error(
            "pkcs11: URI query attributes (after '?') are not supported; give the module in the profile and "
            "the PIN through a PIN file or environment variable");
    }
    if (path.find('#') != std::string_view::npos) return Error("pkcs11: URI must not have a fragment ('#')");

    Pkcs11Uri result;
    bool seen_token = false, seen_object = false, seen_id = false, seen_type = false;
    while (!path.empty()) {
        std::size_t end = path.find(';');
        std::string_view attribute = path.substr(0, end);
        const bool more = end != std::string_view::npos;
        path = more ? path.substr(end + 1) : std::string_view();
        if (attribute.empty() || (more && path.empty())) {
            return Error("pkcs11: URI has an empty attribute (';;' or a trailing ';')");
        }

        std::size_t eq = attribute.find('=');
        if (eq == std::string_view::npos) {
            return Error(
                "pkcs11: URI has an attribute without '=' (expected name=value pairs separated by ';')");
        }
        std::string_view name = attribute.substr(0, eq);
        std::string_view raw = attribute.substr(eq + 1);
        auto once = [&name](bool& seen) -> Status {
            if (seen) return Error("pkcs11: URI repeats attribute '" + std::string(name) + "'");
            seen = true;
            return Ok{};
        };

        if (name == "token") {
            HNBSEC_CHECK(once(seen_token));
            HNBSEC_TRY(result.token, decode(raw, name));
        } else if (name == "object") {
            HNBSEC_CHECK(once(seen_object));
            HNBSEC_TRY(result.object, decode(raw, name));
        } else if (name == "id") {
            HNBSEC_CHECK(once(seen_id));
            HNBSEC_TRY(std::string bytes, decode(raw, name));
            result.id.assign(bytes.begin(), bytes.end());
        } else if (name == "type") {
            HNBSEC_CHECK(once(seen_type));
            HNBSEC_TRY(std::string value, decode(raw, name));
            HNBSEC_TRY(result.type, parse_type(value));
        } else {
            return Error("pkcs11: URI attribute '" + encode(name.substr(0, 32)) +
                         "' is not supported; hnbsec finds keys by token, object, id and type");
        }
    }
    return result;
}

}  // namespace hnbsec::hsm
