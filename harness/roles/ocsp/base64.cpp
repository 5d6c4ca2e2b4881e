#include "harness/roles/ocsp/base64.h"

namespace hnbsec::ocsp {

namespace {

constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

int value_of(char c) {
    auto pos = kAlphabet.find(c);
    return pos == std::string_view::npos ? -1 : static_cast<int>(pos);
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Result<std::vector<std::uint8_t>> base64_decode(std::string_view text) {
    if (text.size() % 4 != 0) {
        return Error("base64 of " + std::to_string(text.size()) + " characters, not a multiple of 4");
    }
    std::vector<std::uint8_t> out;
    out.reserve(text.size() / 4 * 3);
    for (std::size_t i = 0; i < text.size(); i += 4) {
        int v[4];
        int pad = 0;
        for (std::size_t j = 0; j < 4; ++j) {
            char c = text[i + j];
            const bool last_group = i + 4 == text.size();
            if (c == '=' && last_group && j >= 2 && (j == 3 || text[i + 3] == '=')) {
                v[j] = 0;
                ++pad;
                continue;
            }
            v[j] = pad > 0 ? -1 : value_of(c);
            if (v[j] < 0) return Error("invalid base64 character at offset " + std::to_string(i + j));
        }
        const unsigned triple = (static_cast<unsigned>(v[0]) << 18) | (static_cast<unsigned>(v[1]) << 12) |
                                (static_cast<unsigned>(v[2]) << 6) | static_cast<unsigned>(v[3]);
        out.push_back(static_cast<std::uint8_t>(triple >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(triple >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(triple));
    }
    return out;
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
    std::string out;
    for (std::size_t i = 0; i < bytes.size(); i += 3) {
        unsigned triple = static_cast<unsigned>(bytes[i]) << 16;
        if (i + 1 < bytes.size()) triple |= static_cast<unsigned>(bytes[i + 1]) << 8;
        if (i + 2 < bytes.size()) triple |= bytes[i + 2];
        out += kAlphabet[(triple >> 18) & 63];
        out += kAlphabet[(triple >> 12) & 63];
        out += i + 1 < bytes.size() ? kAlphabet[(triple >> 6) & 63] : '=';
        out += i + 2 < bytes.size() ? kAlphabet[triple & 63] : '=';
    }
    return out;
}

Result<std::string> percent_decode(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '%') {
            out += text[i];
            continue;
        }
        if (i + 2 >= text.size() || hex_value(text[i + 1]) < 0 || hex_value(text[i + 2]) < 0) {
            return Error("bad percent-escape at offset " + std::to_string(i));
        }
        out += static_cast<char>(hex_value(text[i + 1]) * 16 + hex_value(text[i + 2]));
        i += 2;
    }
    return out;
}

}  // namespace hnbsec::ocsp
