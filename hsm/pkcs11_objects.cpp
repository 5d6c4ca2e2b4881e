#include "hsm/pkcs11_objects.h"

#include <cstring>
#include <string>

#include "hsm/ckr_names.h"

namespace hnbsec::hsm {

AttributeTemplate& AttributeTemplate::add(CK_ATTRIBUTE_TYPE type, const void* value, std::size_t size) {
    auto& stored = values_.emplace_back(size);
    if (size > 0) std::memcpy(stored.data(), value, size);
    attributes_.push_back(CK_ATTRIBUTE{type, size > 0 ? stored.data() : nullptr, size});
    return *this;
}

AttributeTemplate& AttributeTemplate::add_bool(CK_ATTRIBUTE_TYPE type, bool value) {
    CK_BBOOL flag = value ? CK_TRUE : CK_FALSE;
    return add(type, &flag, sizeof flag);
}

AttributeTemplate& AttributeTemplate::add_ulong(CK_ATTRIBUTE_TYPE type, CK_ULONG value) {
    return add(type, &value, sizeof value);
}

AttributeTemplate& AttributeTemplate::add_bytes(CK_ATTRIBUTE_TYPE type, std::span<const std::uint8_t> value) {
    return add(type, value.data(), value.size());
}

AttributeTemplate& AttributeTemplate::add_text(CK_ATTRIBUTE_TYPE type, std::string_view value) {
    return add(type, value.data(), value.size());
}

Result<std::vector<CK_OBJECT_HANDLE>> find_objects(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                                   AttributeTemplate& search) {
    CK_RV rv = api.C_FindObjectsInit(session, search.data(), search.size());
    if (rv != CKR_OK) return pkcs11_error("C_FindObjectsInit", rv);
    std::vector<CK_OBJECT_HANDLE> found;
    CK_OBJECT_HANDLE batch[16];
    for (;;) {
        CK_ULONG count = 0;
        rv = api.C_FindObjects(session, batch, std::size(batch), &count);
        if (rv != CKR_OK) {
            api.C_FindObjectsFinal(session);
            return pkcs11_error("C_FindObjects", rv);
        }
        if (count == 0) break;
        found.insert(found.end(), batch, batch + count);
    }
    rv = api.C_FindObjectsFinal(session);
    if (rv != CKR_OK) return pkcs11_error("C_FindObjectsFinal", rv);
    return found;
}

Result<std::vector<std::uint8_t>> read_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                                 CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    const std::string call = "C_GetAttributeValue(" + cka_name(type) + ")";
    CK_ATTRIBUTE attribute{type, nullptr, 0};
    CK_RV rv = api.C_GetAttributeValue(session, object, &attribute, 1);
    if (rv != CKR_OK) return pkcs11_error(call, rv);
    // CK_UNAVAILABLE_INFORMATION is ~0; SoftHSM reports it with an error code,
    // but other modules may only set the length.
    if (attribute.ulValueLen == CK_UNAVAILABLE_INFORMATION) {
        return pkcs11_error(call, CKR_ATTRIBUTE_TYPE_INVALID, "the object does not have this attribute");
    }
    std::vector<std::uint8_t> value(attribute.ulValueLen);
    attribute.pValue = value.data();
    rv = api.C_GetAttributeValue(session, object, &attribute, 1);
    if (rv != CKR_OK) return pkcs11_error(call, rv);
    value.resize(attribute.ulValueLen);
    return value;
}

Result<bool> read_bool_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session, CK_OBJECT_HANDLE object,
                                 CK_ATTRIBUTE_TYPE type) {
    HNBSEC_TRY(auto value, read_attribute(api, session, object, type));
    if (value.size() != sizeof(CK_BBOOL)) {
        return Error(cka_name(type) + " has " + std::to_string(value.size()) + " bytes; a CK_BBOOL has 1");
    }
    return value[0] != CK_FALSE;
}

Result<CK_ULONG> read_ulong_attribute(CK_FUNCTION_LIST& api, CK_SESSION_HANDLE session,
                                      CK_OBJECT_HANDLE object, CK_ATTRIBUTE_TYPE type) {
    HNBSEC_TRY(auto value, read_attribute(api, session, object, type));
    if (value.size() != sizeof(CK_ULONG)) {
        return Error(cka_name(type) + " has " + std::to_string(value.size()) + " bytes; a CK_ULONG has " +
                     std::to_string(sizeof(CK_ULONG)));
    }
    CK_ULONG result = 0;
    std::memcpy(&result, value.data(), sizeof result);
    return result;
}

std::string percent_hex(std::span<const std::uint8_t> bytes) {
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t byte : bytes) {
        out += '%';
        out += kHex[byte >> 4];
        out += kHex[byte & 0x0f];
    }
    return out;
}

}  // namespace hnbsec::hsm
