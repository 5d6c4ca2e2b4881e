#pragma once
// Test-only: the hex fixtures under proto/ike/testdata/ (format described at the top
// of each file). Tests read them from the source tree; the product never does.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "proto/ike/payloads.h"

namespace hnbsec::ike::testing {

struct Fixture {
    std::string name;
    std::string kind;  // "udp:500", "udp:4500", "payloads:<first type>"
    Bytes bytes;
};

// Every record of a file in proto/ike/testdata/; fails the calling test on a bad file.
std::vector<Fixture> fixtures(std::string_view file);
// One record by name (an empty fixture, and a test failure, if it is missing).
Fixture fixture(std::string_view file, std::string_view name);

// The real strongSwan exchange, and the per-payload fixtures.
inline constexpr std::string_view kStrongswanFile = "strongswan-5.9.8-cert-auth.hex";
inline constexpr std::string_view kPayloadsFile = "payloads.hex";

// The IKE message inside a udp:500 / udp:4500 fixture.
Bytes ike_message(const Fixture& fixture);
// The first payload type of a payloads:N fixture.
PayloadType first_payload(const Fixture& fixture);

// Bytes from hex text; fails the calling test on bad text.
Bytes hex(std::string_view text);

}  // namespace hnbsec::ike::testing
