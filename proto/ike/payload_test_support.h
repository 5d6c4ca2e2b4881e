#pragma once
// Test-only helpers for the per-payload parse / create / edit tests over
// testdata/payloads.hex.

#include <string>
#include <string_view>

#include <gtest/gtest.h>

#include "proto/ike/decode.h"
#include "proto/ike/encode.h"
#include "proto/ike/testdata.h"
#include "proto/wire/hex.h"

namespace hnbsec::ike::testing {

// The one payload of a payloads.hex record (a default Payload, and a test failure, if
// the record does not decode to exactly one payload of its type).
inline Payload parse_fixture(std::string_view name) {
    Fixture f = fixture(kPayloadsFile, name);
    auto payloads = decode_payloads(first_payload(f), f.bytes, name);
    EXPECT_TRUE(payloads.ok()) << (payloads.ok() ? "" : payloads.error().what());
    if (!payloads.ok()) return {};
    EXPECT_EQ(payloads->size(), 1u) << name;
    if (payloads->size() != 1) return {};
    EXPECT_EQ(payloads->front().type, first_payload(f)) << name;
    return payloads->front();
}

inline std::string fixture_hex(std::string_view name) {
    return wire::to_hex(fixture(kPayloadsFile, name).bytes);
}

// The payload encoded alone (Next Payload 0, or first_inner for SK/SKF), as hex.
inline std::string encoded_hex(const Payload& payload) {
    auto bytes = encode_payloads(std::span<const Payload>(&payload, 1));
    EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().what());
    return bytes.ok() ? wire::to_hex(*bytes) : std::string();
}

inline Bytes ascii(std::string_view text) {
    return Bytes(text.begin(), text.end());
}

}  // namespace hnbsec::ike::testing
