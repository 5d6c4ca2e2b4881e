#pragma once
// An IPv4 address as dotted decimal, exactly as inet_ntop writes it (no leading zeros),
// appended without inet_ntop's sprintf: the pcap timeline writes one per packet.

#include <cstdint>
#include <string>

namespace hnbsec::wire {

inline void append_dotted_quad(std::string& out, const std::uint8_t* address) {
    char text[16];
    char* p = text;
    for (int i = 0; i < 4; ++i) {
        if (i != 0) *p++ = '.';
        const unsigned v = address[i];
        if (v >= 100) *p++ = static_cast<char>('0' + v / 100);
        if (v >= 10) *p++ = static_cast<char>('0' + (v / 10) % 10);
        *p++ = static_cast<char>('0' + v % 10);
    }
    out.append(text, static_cast<std::size_t>(p - text));
}

}  // namespace hnbsec::wire
