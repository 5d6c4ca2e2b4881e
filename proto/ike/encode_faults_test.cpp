// EncodeFaults: deliberate breakage at encode time, and what the decoder says about it.

#include <gtest/gtest.h>

#include "proto/ike/decode.h"
#include "proto/ike/encode.h"
#include "proto/wire/hex.h"

namespace hnbsec::ike {
namespace {

using PT = PayloadType;

Message small_message() {
    Message m;
    m.header.spi_i = 0x1111111111111111;
    m.header.exchange_type = ExchangeType::kIkeSaInit;
    m.header.flags = kFlagInitiator;
    m.payloads.push_back(make_payload(PT::kNonce, Nonce{Bytes(16, 0xaa)}));
    Notify n;
    n.type = NotifyType::kIkev2FragmentationSupported;
    m.payloads.push_back(make_payload(PT::kNotify, n));
    return m;
}

Bytes encode(const Message& m, const EncodeFaults& faults) {
    auto bytes = encode_message(m, faults);
    EXPECT_TRUE(bytes.ok()) << (bytes.ok() ? "" : bytes.error().what());
    return bytes.ok() ? *bytes : Bytes{};
}

TEST(EncodeFaults, NoFaultsIsPlainEncoding) {
    EXPECT_EQ(encode(small_message(), {}), *encode_message(small_message()));
}

TEST(EncodeFaults, HeaderLength) {
    EncodeFaults faults;
    faults.header_length = 1000;
    Bytes bytes = encode(small_message(), faults);
    EXPECT_EQ(wire::to_hex(std::span(bytes).subspan(24, 4)), "000003e8");
    auto r = decode_message(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE message: header: Length 1000 at offset 24 does not match the 56 bytes of the datagram");
}

TEST(EncodeFaults, PayloadLength) {
    EncodeFaults faults;
    faults.payload_length[1] = 9;
    Bytes bytes = encode(small_message(), faults);
    EXPECT_EQ(bytes[48 + 3], 9);
    auto r = decode_message(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE_SA_INIT request: payload 2 (Notify): Payload Length 9 exceeds the remaining 8 bytes at "
              "offset 48");
}

TEST(EncodeFaults, SetReservedBits) {
    Message m = small_message();
    Id id;
    id.data = {1, 2, 3};
    m.payloads.push_back(make_payload(PT::kIdi, id));
    EncodeFaults faults;
    faults.set_reserved_bits = true;
    Bytes bytes = encode(m, faults);
    EXPECT_EQ(bytes[19], kFlagInitiator | kFlagsReserved);  // header X bits
    EXPECT_EQ(bytes[29], 0x7f);                             // Nonce generic header
    EXPECT_EQ(wire::to_hex(std::span(bytes).subspan(bytes.size() - 7, 4)), "02ffffff");  // ID RESERVED

    // The decoder ignores them (RFC 7296 §2.5) but shows them.
    auto r = decode_message(bytes);
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->header.flags & kFlagsReserved, kFlagsReserved);
    EXPECT_EQ(r->payloads[0].reserved, 0x7f);
    EXPECT_FALSE(r->payloads[0].critical);
    EXPECT_EQ(r->payloads[2].as<Id>()->reserved, 0xffffffu);
}

TEST(EncodeFaults, SwapPayloads) {
    EncodeFaults faults;
    faults.swap_payloads = std::pair<std::size_t, std::size_t>{0, 1};
    auto r = decode_message(encode(small_message(), faults));
    ASSERT_TRUE(r.ok()) << r.error().what();
    EXPECT_EQ(r->header.next_payload, PT::kNotify);
    EXPECT_EQ(r->payloads[0].type, PT::kNotify);
    EXPECT_EQ(r->payloads[1].type, PT::kNonce);
}

TEST(EncodeFaults, ExtraBytesCountedInLength) {
    EncodeFaults faults;
    faults.extra_bytes = {0xde, 0xad};
    Bytes bytes = encode(small_message(), faults);
    EXPECT_EQ(bytes.size(), 58u);
    EXPECT_EQ(bytes[27], 58);
    auto r = decode_message(bytes);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "IKE_SA_INIT request: 2 bytes after the last payload, at offset 56");
}

TEST(EncodeFaults, NextPayloadOverrides) {
    EncodeFaults faults;
    faults.next_payload[0] = 99;
    faults.header_next_payload = 40;
    Bytes bytes = encode(small_message(), faults);
    EXPECT_EQ(bytes[16], 40);
    EXPECT_EQ(bytes[28], 99);
    auto r = decode_message(bytes);
    ASSERT_TRUE(r.ok()) << r.error().what();  // payload 99 is not critical: skipped
    EXPECT_EQ(r->payloads[1].type, static_cast<PT>(99));
    EXPECT_EQ(r->payloads[1].as<Unknown>()->body, wire::from_hex("0000402e").value());
}

TEST(EncodeFaults, PositionsOutOfRangeAreErrors) {
    EncodeFaults swap;
    swap.swap_payloads = std::pair<std::size_t, std::size_t>{0, 5};
    auto r = encode_message(small_message(), swap);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "encoding IKE_SA_INIT request: swap_payloads names payload 5 of 2");
    EncodeFaults length;
    length.payload_length[2] = 4;
    EXPECT_FALSE(encode_message(small_message(), length).ok());
    EncodeFaults next;
    next.next_payload[7] = 0;
    EXPECT_FALSE(encode_message(small_message(), next).ok());
}

TEST(EncodeFaults, ApplyToInnerPayloadsToo) {
    Message m = small_message();
    EncodeFaults faults;
    faults.payload_length[0] = 3;
    auto bytes = encode_payloads(m.payloads, faults);
    ASSERT_TRUE(bytes.ok());
    auto r = decode_payloads(PT::kNonce, *bytes, "IKE_AUTH request (decrypted)");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(
        r.error().what(),
        "IKE_AUTH request (decrypted): payload 1 (Nonce): Payload Length 3 at offset 0 is less than the "
        "4-byte generic payload header");
}

}  // namespace
}  // namespace hnbsec::ike
