#pragma once
// Fixed-width lower-case hex of an integer ("0x0800", "c0ffee01"), for summaries and
// JSON: the SPI and EtherType spellings tshark uses, so lines can be compared.

#include <cstdint>
#include <string>

namespace hnbsec::pcap {

inline std::string hex_digits(std::uint64_t value, int digits, bool prefix) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string out = prefix ? "0x" : "";
    for (int shift = 4 * (digits - 1); shift >= 0; shift -= 4)
        out.push_back(kDigits[(value >> shift) & 0xfU]);
    return out;
}

}  // namespace hnbsec::pcap
