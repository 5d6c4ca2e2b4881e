#pragma once
// Small helpers for PKCS#11 object templates, searches and attribute reads,
// shared by the Token source files. Every failure names its CKR code.

#include <cstdint>
#include <deque>
#include <span>
#include <string_view>
#include <vector>

#include <p11-kit/pkcs11.h>

#include "core/result.h"

namespace hnbsec::hsm {

// A CK_ATTRIBUTE array that owns the values it points at.
class AttributeTemplate {
public:
    AttributeTemplate() = default;
    AttributeTemplate(AttributeTemplate&&) = default;
    AttributeTemplate& operator=(AttributeTemplate&&) = default;
    // A copy would point into the original's storage.
    AttributeTemplate(const AttributeTemplate&) = delete;
    AttributeTemplate& operator=(const AttributeTemplate&) = delete;

    AttributeTemplate& add_bool(CK_ATTRIBUTE_TYPE type, bool value);
    AttributeTemplate& add_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value);
    AttributeTemplate& add_bytes(CK_ATTRIBUTE_TYPE type, std::span<const std::uint8_t> value);
    AttributeTemplate& add_text(CK_ATTRIBUTE_TYPE type, std::string_view value);

    CK_ATTRIBUTE* data() { return attributes_.data(); }
    CK_ULONG size() const { return attributes_.size(); }

private:
    AttributeTemplate& add(CK_ATTRIBUTE_TYPE type, const void* value, std::size_t size);

    std::deque<std::vector<std::uint8_t>> values_;  // deque: stable addresses
    std::vector<CK_ATTRIBUTE> attributes_;
};

// All objects matching `search` (C_FindObjectsInit/C_FindObjects/C_FindObjectsFinal).
Result<std::vector<CK_OBJECT_HANDLE>> find_objects(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                                   AttributeTemplate& search);

// One attribute's value. A sensitive attribute fails with
// "C_GetAttributeValue(CKA_PRIVATE_EXPONENT) failed: CKR_ATTRIBUTE_SENSITIVE".
Result<std::vector<std::uint8_t>> read_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                                 CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);
Result<bool> read_bool_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type);
Result<CK_ULONG> read_ulong_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                      CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type);

// Lower-case hex with '%' before each byte, as in a pkcs11: URI ("%01%a2").
std::string percent_hex(std::span<const std::uint8_t> bytes);

}  // namespace hnbsec::hsm
