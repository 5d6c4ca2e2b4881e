#pragma once
// RFC 7512 "pkcs11:" URIs naming a key on a token, e.g.
//   pkcs11:token=hnbsec-device;object=device;id=%01;type=private
// Only the attributes hnbsec uses to find keys are understood (token, object,
// id, type). Anything else — other path attributes, or a query such as
// ?pin-value=... — is refused, so a typo never silently matches a different key
// and a PIN never travels inside a URI. Parse errors never quote the URI text,
// in case someone did put a PIN in it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace hnbsec::hsm {

enum class ObjectType { kPrivate, kPublic, kCert, kSecretKey, kData };

// "private", "public", "cert", "secret-key", "data" (RFC 7512 section 2.3).
std::string_view object_type_name(ObjectType type);

struct Pkcs11Uri {
    std::string token;             // CKA token label; empty = any
    std::string object;            // CKA_LABEL; empty = any
    std::vector<std::uint8_t> id;  // CKA_ID; empty = any
    std::optional<ObjectType> type;

    // Attributes in RFC order (token, object, id, type), empty ones left out.
    // Values are percent-encoded except RFC 3986 unreserved characters; the id
    // is always fully percent-encoded ("%01%a2").
    std::string format() const;

    static Result<Pkcs11Uri> parse(std::string_view uri);

    bool operator==(const Pkcs11Uri&) const = default;
};

}  // namespace hnbsec::hsm
