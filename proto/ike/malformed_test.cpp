// Malformed input: every case fails with an error that names the message, the payload
// and the offset, and reports what a responder would answer. None may crash (the ASan
// build runs these too).

#include <gtest/gtest.h>

#include "proto/ike/decode.h"
#include "proto/ike/testdata.h"

namespace hnbsec::ike {
namespace {

using testing::fixture;
using testing::fixtures;
using testing::hex;
using testing::ike_message;
using testing::kStrongswanFile;

Bytes sa_init_request() {
    return ike_message(fixture(kStrongswanFile, "ike_sa_init_request"));
}

void set_u16(Bytes& bytes, std::size_t at, std::uint16_t value) {
    bytes[at] = static_cast<std::uint8_t>(value >> 8);
    bytes[at + 1] = static_cast<std::uint8_t>(value);
}

void set_u32(Bytes& bytes, std::size_t at, std::uint32_t value) {
    set_u16(bytes, at, static_cast<std::uint16_t>(value >> 16));
    set_u16(bytes, at + 2, static_cast<std::uint16_t>(value));
}

// Start offsets of the payloads of an IKE message (header's chain, no validation).
std::vector<std::size_t> payload_offsets(const Bytes& message) {
    std::vector<std::size_t> offsets;
    std::size_t at = kHeaderSize;
    std::uint8_t next = message[16];
    while (next != 0 && at + 4 <= message.size()) {
        offsets.push_back(at);
        next = (next == 46 || next == 53) ? 0 : message[at];
        at += (message[at + 2] << 8) | message[at + 3];
    }
    return offsets;
}

bool contains(const std::string& text, const std::string& part) {
    return text.find(part) != std::string::npos;
}

TEST(Malformed, TruncatedAtEveryByteOfEveryRealMessage) {
    for (const auto& f : fixtures(kStrongswanFile)) {
        if (f.kind.rfind("udp:", 0) != 0) continue;
        Bytes message = ike_message(f);
        for (std::size_t size = 0; size < message.size(); ++size) {
            Bytes cut(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(size));
            DecodeFailure failure;
            auto r = decode_message(cut, &failure);
            ASSERT_FALSE(r.ok()) << f.name << " cut to " << size;
            EXPECT_EQ(failure.notify, NotifyType::kInvalidSyntax);
            // The header's Length no longer matches the datagram.
            EXPECT_TRUE(contains(r.error().what(), "IKE message: header: ")) << r.error().what();
        }
    }
}

// The same cuts with the header's Length patched to match, so the payload chain
// itself runs out: the error names the payload and an offset.
TEST(Malformed, TruncatedPayloadChainNamesPayloadAndOffset) {
    for (const auto& f : fixtures(kStrongswanFile)) {
        if (f.kind.rfind("udp:", 0) != 0) continue;
        Bytes message = ike_message(f);
        for (std::size_t size = kHeaderSize; size < message.size(); ++size) {
            Bytes cut(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(size));
            set_u32(cut, 24, static_cast<std::uint32_t>(size));
            auto r = decode_message(cut);
            ASSERT_FALSE(r.ok()) << f.name << " cut to " << size;
            const std::string& what = r.error().what();
            EXPECT_TRUE(contains(what, ": payload ")) << what;
            EXPECT_TRUE(contains(what, "offset ")) << what;
        }
    }
}

TEST(Malformed, TruncatedInsideKeExample) {
    Bytes message = sa_init_request();
    message.resize(100);  // inside the KE payload (offset 76, 264 bytes)
    set_u32(message, 24, 100);
    auto r = decode_message(message);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE_SA_INIT request: payload 2 (KE): Payload Length 264 exceeds the remaining 24 bytes at "
              "offset 76");
}

TEST(Malformed, TruncatedAtPayloadBoundary) {
    Bytes message = sa_init_request();
    message.resize(76);  // right after the SA payload; KE is announced
    set_u32(message, 24, 76);
    auto r = decode_message(message);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE_SA_INIT request: payload 2 (KE): announced by the previous Next Payload, but the message "
              "ends at "
              "offset 76");
}

TEST(Malformed, EveryPayloadLengthOffByOneOrBelowHeaderFails) {
    for (const char* name : {"ike_sa_init_request", "ike_sa_init_response", "ike_auth_request_fragment_2"}) {
        Bytes message = ike_message(fixture(kStrongswanFile, name));
        auto offsets = payload_offsets(message);
        ASSERT_FALSE(offsets.empty());
        for (std::size_t i = 0; i < offsets.size(); ++i) {
            std::size_t at = offsets[i];
            auto length = static_cast<std::uint16_t>((message[at + 2] << 8) | message[at + 3]);
            for (std::uint16_t wrong :
                 {std::uint16_t(length + 1), std::uint16_t(length - 1), std::uint16_t{0}, std::uint16_t{3}}) {
                Bytes bad = message;
                set_u16(bad, at + 2, wrong);
                auto r = decode_message(bad);
                ASSERT_FALSE(r.ok()) << name << " payload " << i + 1 << " length " << wrong;
                EXPECT_TRUE(contains(r.error().what(), ": payload ")) << r.error().what();
                EXPECT_TRUE(contains(r.error().what(), "offset ")) << r.error().what();
            }
        }
    }
}

TEST(Malformed, ZeroLengthPayload) {
    Bytes message = sa_init_request();
    set_u16(message, 76 + 2, 0);  // KE
    DecodeFailure failure;
    auto r = decode_message(message, &failure);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(
        r.error().what(),
        "IKE_SA_INIT request: payload 2 (KE): Payload Length 0 at offset 76 is less than the 4-byte generic "
        "payload header");
    EXPECT_EQ(failure.notify, NotifyType::kInvalidSyntax);
}

TEST(Malformed, PayloadShorterThanItsFixedFields) {
    Bytes message = ike_message(fixture(kStrongswanFile, "ike_sa_init_request"));
    // Turn the last Notify (8 octets) into a KE (needs 8: header, group, RESERVED).
    auto offsets = payload_offsets(message);
    std::size_t last = offsets.back();
    std::size_t before = offsets[offsets.size() - 2];
    message[before] = 34;
    Bytes shorter(message.begin(), message.begin() + static_cast<std::ptrdiff_t>(last + 6));
    set_u16(shorter, last + 2, 6);
    set_u32(shorter, 24, static_cast<std::uint32_t>(shorter.size()));
    auto r = decode_message(shorter);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "IKE_SA_INIT request: payload 8 (KE): Payload Length 6 at offset " +
                                    std::to_string(last) + " is less than the 8-byte minimum of KE");
}

TEST(Malformed, CriticalUnknownPayloadInMessage) {
    Bytes message = sa_init_request();
    // Append an unknown, critical payload type 99 after the last one.
    auto offsets = payload_offsets(message);
    message[offsets.back()] = 99;
    Bytes extra = hex("00800008cafecafe");
    message.insert(message.end(), extra.begin(), extra.end());
    set_u32(message, 24, static_cast<std::uint32_t>(message.size()));
    DecodeFailure failure;
    auto r = decode_message(message, &failure);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "IKE_SA_INIT request: payload 9 (PAYLOAD(99)): UNSUPPORTED_CRITICAL_PAYLOAD: payload type 99 "
              "at offset "
              "464 is not supported and has the critical bit set (RFC 7296 §2.5)");
    EXPECT_EQ(failure.notify, NotifyType::kUnsupportedCriticalPayload);
    EXPECT_EQ(failure.notify_data, Bytes{99});

    // The same payload without the critical bit is skipped over and kept.
    message[465] = 0x00;
    auto kept = decode_message(message);
    ASSERT_TRUE(kept.ok()) << kept.error().what();
    EXPECT_EQ(kept->payloads.back().type, static_cast<PayloadType>(99));
    EXPECT_EQ(kept->payloads.back().as<Unknown>()->body, hex("cafecafe"));
}

TEST(Malformed, WrongMajorVersion) {
    for (std::uint8_t version : {0x10, 0x30, 0xf0, 0x00}) {
        Bytes message = sa_init_request();
        message[17] = version;
        DecodeFailure failure;
        auto r = decode_message(message, &failure);
        ASSERT_FALSE(r.ok());
        EXPECT_EQ(r.error().what(), "IKE message: header: Major Version " + std::to_string(version >> 4) +
                                        " at offset 17 is not 2 (RFC 7296 §2.5)");
        EXPECT_EQ(failure.notify, NotifyType::kInvalidMajorVersion);
        EXPECT_FALSE(decode_header(message).ok());
    }
}

TEST(Malformed, HeaderLengthDisagreesWithDatagram) {
    Bytes message = sa_init_request();
    set_u32(message, 24, 465);
    auto bigger = decode_message(message);
    ASSERT_FALSE(bigger.ok());
    EXPECT_EQ(bigger.error().what(),
              "IKE message: header: Length 465 at offset 24 does not match the 464 bytes of the datagram");
    set_u32(message, 24, 27);
    EXPECT_FALSE(decode_message(message).ok());
}

TEST(Malformed, ShorterThanHeader) {
    auto r = decode_message(hex("0102030405060708"));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "IKE message: header: 8 bytes is shorter than the 28-byte IKE header");
    EXPECT_FALSE(decode_message({}).ok());
}

TEST(Malformed, BytesAfterLastPayload) {
    Bytes message = sa_init_request();
    message.push_back(0xee);
    set_u32(message, 24, static_cast<std::uint32_t>(message.size()));
    auto r = decode_message(message);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(), "IKE_SA_INIT request: 1 byte after the last payload, at offset 464");
}

TEST(Malformed, PayloadAfterSk) {
    Bytes message = ike_message(fixture(kStrongswanFile, "ike_auth_request_fragment_2"));
    Bytes extra = hex("0000000401");
    message.insert(message.end(), extra.begin(), extra.end());
    set_u32(message, 24, static_cast<std::uint32_t>(message.size()));
    auto r = decode_message(message);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(
        r.error().what(),
        "IKE_AUTH request: payload 1 (SKF): 5 bytes follow at offset 308, but SKF must be the last payload "
        "(RFC 7296 §3.14)");
}

TEST(Malformed, ImpossibleCountsFailBeforeAllocating) {
    // TSi announcing 255 selectors in 4 octets.
    auto ts = decode_payloads(PayloadType::kTsi, hex("00000008ff000000"), "test");
    ASSERT_FALSE(ts.ok());
    EXPECT_EQ(ts.error().what(),
              "test: payload 1 (TSi): Number of TSs 255 at offset 4 needs at least 2040 bytes, 3 bytes left");
    // Delete announcing 65535 SPIs of 4 octets in 4.
    auto del = decode_payloads(PayloadType::kDelete, hex("000000080304ffff"), "test");
    ASSERT_FALSE(del.ok());
    EXPECT_EQ(
        del.error().what(),
        "test: payload 1 (Delete): Num of SPIs 65535 at offset 6 needs at least 262140 bytes, 0 bytes left");
}

// A byte pattern fuzzers like: every single-octet change of a real message either
// decodes (and then re-encodes to itself) or fails cleanly.
TEST(Malformed, EverySingleByteFlipIsHandled) {
    Bytes message = sa_init_request();
    for (std::size_t i = 0; i < message.size(); ++i) {
        for (std::uint8_t mask : {0x01, 0x80, 0xff}) {
            Bytes bad = message;
            bad[i] ^= mask;
            auto r = decode_message(bad);
            if (r.ok()) continue;
            EXPECT_FALSE(r.error().what().empty());
        }
    }
}

}  // namespace
}  // namespace hnbsec::ike
