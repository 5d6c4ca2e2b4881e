#include "proto/wire/dotted_quad.h"

#include <array>

#include <arpa/inet.h>
#include <gtest/gtest.h>

namespace hnbsec::wire {
namespace {

// The same text as inet_ntop for every value of every octet position.
TEST(DottedQuad, MatchesInetNtop) {
    for (unsigned v = 0; v < 256; ++v) {
        for (int at = 0; at < 4; ++at) {
            std::array<std::uint8_t, 4> address{10, 200, 7, 99};
            address[static_cast<std::size_t>(at)] = static_cast<std::uint8_t>(v);
            char expected[INET_ADDRSTRLEN] = {};
            ASSERT_NE(inet_ntop(AF_INET, address.data(), expected, sizeof expected), nullptr);
            std::string got = "x";
            append_dotted_quad(got, address.data());
            EXPECT_EQ(got, std::string("x") + expected);
        }
    }
}

}  // namespace
}  // namespace hnbsec::wire
