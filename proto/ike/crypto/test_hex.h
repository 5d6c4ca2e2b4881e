#pragma once
// Test helpers: hex text <-> octets. Whitespace in hex text is ignored, so vectors can be
// laid out as the RFCs print them.

#include <cctype>
#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "proto/ike/crypto/octets.h"

namespace hnbsec::ike::testing {

inline Octets hex(std::string_view text) {
    Octets out;
    int high = -1;
    for (char c : text) {
        if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
        int v = std::isdigit(static_cast<unsigned char>(c)) != 0 ? c - '0'
                : (c >= 'a' && c <= 'f')                         ? c - 'a' + 10
                : (c >= 'A' && c <= 'F')                         ? c - 'A' + 10
                                                                 : -1;
        if (v < 0) {
            ADD_FAILURE() << "bad hex character '" << c << "'";
            return {};
        }
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0) ADD_FAILURE() << "odd number of hex digits";
    return out;
}

inline std::string to_hex(OctetSpan octets) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : octets) {
        out += kDigits[b >> 4];
        out += kDigits[b & 15];
    }
    return out;
}

inline Octets ascii(std::string_view text) {
    return Octets(text.begin(), text.end());
}

inline Octets repeat(std::uint8_t value, std::size_t n) {
    return Octets(n, value);
}

}  // namespace hnbsec::ike::testing
