#include "proto/esp/esp_sa.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "proto/esp/test_packets.h"
#include "proto/ike/crypto/cipher.h"
#include "proto/ike/crypto/integrity.h"

namespace hnbsec::esp {
namespace {

using ::testing::HasSubstr;
using namespace testing;  // NOLINT(google-build-using-namespace)

constexpr std::uint32_t kSpi = 0xc1d2e3f4;
constexpr TimePoint kT0{};

struct Pair {
    OutboundSa out;
    InboundSa in;
};

Pair make_pair(const EspSaConfig& config) {
    auto out = OutboundSa::create(peer_view(config), kT0);
    auto in = InboundSa::create(config, kT0);
    EXPECT_TRUE(out.ok()) << out.error().message();
    EXPECT_TRUE(in.ok()) << in.error().message();
    return Pair{std::move(*out), std::move(*in)};
}

ike::Suite gcm128() {
    return test_suites()[0].suite;
}
ike::Suite cbc_sha256() {
    return test_suites()[4].suite;
}

Bytes seal(OutboundSa& sa, const Bytes& inner, const SealFaults& faults = {}) {
    auto packet = sa.seal(inner, kT0, faults);
    EXPECT_TRUE(packet.ok()) << packet.error().message();
    return packet.ok() ? *packet : Bytes{};
}

// An authentic AES-GCM-128 ESP packet with any plaintext, made with proto/ike's AEAD code
// (a second implementation): how malformed-but-authentic payloads reach the receiver.
Bytes craft_gcm(const EspSaConfig& config, std::uint32_t seq, const Bytes& plaintext) {
    const Bytes header = {
        static_cast<std::uint8_t>(config.spi >> 24), static_cast<std::uint8_t>(config.spi >> 16),
        static_cast<std::uint8_t>(config.spi >> 8),  static_cast<std::uint8_t>(config.spi),
        static_cast<std::uint8_t>(seq >> 24),        static_cast<std::uint8_t>(seq >> 16),
        static_cast<std::uint8_t>(seq >> 8),         static_cast<std::uint8_t>(seq)};
    const Bytes iv = {9, 8, 7, 6, 5, 4, 3, 2};
    auto sealed = ike::aead_encrypt(ike::EncrId::kAesGcm16, config.encryption_key, iv, header, plaintext);
    EXPECT_TRUE(sealed.ok());
    Bytes packet;
    packet.reserve(header.size() + iv.size() + sealed->size());
    const Bytes& body = *sealed;
    for (const Bytes* part : {&header, &iv, &body}) {
        for (std::uint8_t octet : *part) packet.push_back(octet);
    }
    return packet;
}

Bytes esp_trailer(Bytes payload, std::uint8_t pad_length, std::uint8_t next_header) {
    for (std::uint8_t i = 1; i <= pad_length; ++i) payload.push_back(i);
    payload.push_back(pad_length);
    payload.push_back(next_header);
    return payload;
}

// --- round trips -------------------------------------------------------------------------------

TEST(EspSa, EveryTransformRoundTripsIpv4AndIpv6) {
    const Ipv6 a = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    const Ipv6 b = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2};
    for (const auto& suite : test_suites()) {
        SCOPED_TRACE(suite.name);
        auto [out, in] = make_pair(test_config(suite.suite, kSpi));
        const std::vector<Bytes> inners = {
            icmp_echo_v4(kHnbInner, kCoreInner, 3, 1), udp_v4(kHnbInner, kCoreInner, 123, 123, 48),
            udp_v4(kHnbInner, kCoreInner, 9, 9, 1372), icmp_echo_v6(a, b, 1, 2, 0), udp_v6(a, b, 1, 2, 333)};
        std::uint64_t seq = 1;
        for (const Bytes& inner : inners) {
            const Bytes packet = seal(out, inner);
            EXPECT_EQ(packet[0], 0xc1);
            EXPECT_EQ(packet[7], seq);
            const bool cbc = suite.suite.encr == ike::EncrId::kAesCbc;
            const std::size_t iv = cbc ? 16 : 8;
            const std::size_t icv = suite.suite.integ == ike::IntegId::kHmacSha1_96 ? 12 : 16;
            EXPECT_EQ((packet.size() - 8 - iv - icv) % (cbc ? 16 : 4), 0U);
            InboundResult result = in.open(packet, kT0);
            ASSERT_TRUE(result.accepted()) << result.reason;
            EXPECT_EQ(result.inner, inner);
            EXPECT_EQ(result.seq, seq);
            EXPECT_EQ(result.spi, kSpi);
            EXPECT_THAT(result.summary, ::testing::StartsWith(inner[0] == 0x45 ? "" : ""));
            ++seq;
        }
        EXPECT_EQ(in.lifetime().packets(), inners.size());
    }
}

TEST(EspSa, SummaryNamesTheInnerPacket) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    auto icmp = in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 3, 1)), kT0);
    EXPECT_EQ(icmp.summary, "ICMP 10.77.0.1 > 10.78.0.1 echo-request id 3 seq 1");
    auto udp = in.open(seal(out, udp_v4(kHnbInner, kCoreInner, 123, 123, 48)), kT0);
    EXPECT_EQ(udp.summary, "UDP 10.77.0.1:123 > 10.78.0.1:123 len 48");
    EXPECT_EQ(inbound_outcome_name(udp.outcome), "accepted");
}

TEST(EspSa, EsnRoundTripsAcrossTheWrap) {
    for (const auto& suite : test_suites()) {
        SCOPED_TRACE(suite.name);
        EspSaConfig config = test_config(suite.suite, kSpi);
        config.esn = true;
        auto [out, in] = make_pair(config);
        out.set_next_sequence(0xffffff00ULL);  // the receiver follows the sender up to the wrap
        ASSERT_TRUE(in.open(seal(out, udp_v4(kHnbInner, kCoreInner, 1, 2, 20)), kT0).accepted());
        out.set_next_sequence(0xfffffffeULL);
        for (std::uint64_t expected : {0xfffffffeULL, 0xffffffffULL, 0x100000000ULL, 0x100000001ULL}) {
            const Bytes packet = seal(out, udp_v4(kHnbInner, kCoreInner, 1, 2, 20));
            auto result = in.open(packet, kT0);
            ASSERT_TRUE(result.accepted()) << result.reason;
            EXPECT_EQ(result.seq, expected);
        }
        // The high half is authenticated though never sent: a receiver that infers another
        // high half (here: a fresh SA, subspace 0) fails the ICV.
        auto fresh = InboundSa::create(config, kT0);
        ASSERT_TRUE(fresh.ok());
        EXPECT_EQ(fresh->open(seal(out, udp_v4(kHnbInner, kCoreInner, 1, 2, 20)), kT0).outcome,
                  InboundOutcome::kBadIcv);
    }
}

TEST(EspSa, GcmPacketMatchesAnIndependentAeadComputation) {
    // Known answer from proto/ike's AES-GCM (RFC 4106 nonce/AAD built there, not here):
    // the explicit IV of our packet is its 64-bit sequence number.
    const EspSaConfig config = test_config(gcm128(), kSpi);
    auto [out, in] = make_pair(config);
    const Bytes inner = icmp_echo_v4(kHnbInner, kCoreInner, 3, 1, 8);  // 36 octets: 2 of padding
    const Bytes packet = seal(out, inner);
    const Bytes header(packet.begin(), packet.begin() + 8);
    const Bytes iv(packet.begin() + 8, packet.begin() + 16);
    EXPECT_EQ(iv, (Bytes{0, 0, 0, 0, 0, 0, 0, 1}));
    auto expected = ike::aead_encrypt(ike::EncrId::kAesGcm16, config.encryption_key, iv, header,
                                      esp_trailer(inner, 2, kNextHeaderIpv4));
    ASSERT_TRUE(expected.ok());
    EXPECT_EQ(Bytes(packet.begin() + 16, packet.end()), *expected);
}

TEST(EspSa, FromChildSaBothEndsInteroperate) {
    ike::ChildSa initiator;
    initiator.spi_in = 0x11111111;
    initiator.spi_out = 0x22222222;
    initiator.suite = cbc_sha256();
    initiator.keys.encr_i.assign(16, 0x01);
    initiator.keys.integ_i.assign(32, 0x02);
    initiator.keys.encr_r.assign(16, 0x03);
    initiator.keys.integ_r.assign(32, 0x04);
    initiator.ts_local = {ts_v4(kHnbInner, kHnbInner)};
    initiator.ts_remote = {ts_v4({0, 0, 0, 0}, {255, 255, 255, 255})};
    ike::ChildSa responder = initiator;
    responder.local_is_initiator = false;
    std::swap(responder.spi_in, responder.spi_out);
    std::swap(responder.ts_local, responder.ts_remote);
    auto henb = esp_sas_from_child(initiator, kT0);
    auto segw = esp_sas_from_child(responder, kT0);
    ASSERT_TRUE(henb.ok()) << henb.error().message();
    ASSERT_TRUE(segw.ok()) << segw.error().message();
    EXPECT_EQ(henb->outbound.spi(), 0x22222222U);
    auto up = henb->outbound.seal(icmp_echo_v4(kHnbInner, kCoreInner, 1, 1), kT0);
    ASSERT_TRUE(up.ok());
    EXPECT_TRUE(segw->inbound.open(*up, kT0).accepted());
    auto down = segw->outbound.seal(icmp_echo_v4(kCoreInner, kHnbInner, 1, 1, 8, false), kT0);
    ASSERT_TRUE(down.ok());
    auto result = henb->inbound.open(*down, kT0);
    EXPECT_TRUE(result.accepted()) << result.reason;
}

// The AES-CBC ICV is the HMAC a second implementation (proto/ike's) computes over SPI ..
// ciphertext, with the ESN high half appended when ESN is on (RFC 4303 §3.3.2.1).
TEST(EspSa, CbcIcvIsTheHmacOfAnIndependentImplementation) {
    for (const auto& suite : test_suites()) {
        if (suite.suite.encr != ike::EncrId::kAesCbc) continue;
        for (const bool esn : {false, true}) {
            SCOPED_TRACE(std::string(suite.name) + (esn ? " ESN" : ""));
            EspSaConfig config = test_config(suite.suite, kSpi);
            config.esn = esn;
            auto [out, in] = make_pair(config);
            out.set_next_sequence((std::uint64_t{7} << 32) + 3);
            if (!esn) out.set_next_sequence(3);
            for (int i = 0; i < 3; ++i) {
                const Bytes packet = seal(out, udp_v4(kHnbInner, kCoreInner, 1, 2, 20 + 30 * i));
                const std::size_t icv = ike::integ_icv_size(suite.suite.integ);
                Bytes covered(packet.begin(), packet.end() - static_cast<std::ptrdiff_t>(icv));
                if (esn) covered.insert(covered.end(), {0, 0, 0, 7});
                auto expected = ike::integ_compute(suite.suite.integ, config.integrity_key, covered);
                ASSERT_TRUE(expected.ok());
                EXPECT_EQ(Bytes(packet.end() - static_cast<std::ptrdiff_t>(icv), packet.end()), *expected);
            }
        }
    }
}

TEST(EspSa, RejectsUnsupportedTransformsAndWrongKeys) {
    EspSaConfig config = test_config(gcm128(), kSpi);
    config.suite.encr = ike::EncrId::kChacha20Poly1305;
    EXPECT_FALSE(OutboundSa::create(config, kT0).ok());
    config = test_config(cbc_sha256(), kSpi);
    config.integrity_key.pop_back();
    auto bad = InboundSa::create(config, kT0);
    ASSERT_FALSE(bad.ok());
    EXPECT_THAT(bad.error().message(), HasSubstr("integrity key"));
}

// --- every refused packet has its outcome ------------------------------------------------------

TEST(EspSaInbound, ReplayedPacket) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    const Bytes packet = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    EXPECT_TRUE(in.open(packet, kT0).accepted());
    auto again = in.open(packet, kT0);
    EXPECT_EQ(again.outcome, InboundOutcome::kReplayed);
    EXPECT_EQ(again.seq, 1U);
    EXPECT_THAT(again.reason, HasSubstr("already received"));
}

TEST(EspSaInbound, PacketLeftOfTheWindow) {
    EspSaConfig config = test_config(gcm128(), kSpi);
    config.replay_window = 32;
    auto [out, in] = make_pair(config);
    const Bytes old = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    out.set_next_sequence(40);
    EXPECT_TRUE(in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 2)), kT0).accepted());
    auto result = in.open(old, kT0);
    EXPECT_EQ(result.outcome, InboundOutcome::kTooOld);
    EXPECT_EQ(inbound_outcome_name(result.outcome), "outside window");
    EXPECT_THAT(result.reason, HasSubstr("32-packet replay window"));
}

TEST(EspSaInbound, FlippedIcvAndCiphertextFailIntegrity) {
    for (const auto& suite : test_suites()) {
        SCOPED_TRACE(suite.name);
        auto [out, in] = make_pair(test_config(suite.suite, kSpi));
        SealFaults flip;
        flip.flip_icv = true;
        auto result = in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1), flip), kT0);
        EXPECT_EQ(result.outcome, InboundOutcome::kBadIcv);
        Bytes tampered = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 2));
        tampered[30] ^= 0x01;
        EXPECT_EQ(in.open(tampered, kT0).outcome, InboundOutcome::kBadIcv);
        Bytes wrong_seq = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 3));
        wrong_seq[7] ^= 0x40;  // the sequence number is authenticated too
        EXPECT_EQ(in.open(wrong_seq, kT0).outcome, InboundOutcome::kBadIcv);
    }
}

TEST(EspSaInbound, ForgedPacketDoesNotMoveTheWindow) {
    auto [out, in] = make_pair(test_config(cbc_sha256(), kSpi));
    const Bytes first = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    out.set_next_sequence(1000);
    SealFaults flip;
    flip.flip_icv = true;
    EXPECT_EQ(in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 2), flip), kT0).outcome,
              InboundOutcome::kBadIcv);
    EXPECT_EQ(in.replay_window().highest(), 0U);
    EXPECT_TRUE(in.open(first, kT0).accepted());  // seq 1 would be far left of 1000's window
}

// The transforms keep their OpenSSL contexts from packet to packet (AES-CBC chains on from
// the last ciphertext block it saw, AES-GCM keeps the salt): packets opened out of order,
// around forged and tampered ones, still open, and open_into() leaves the same inner
// packet in the caller's buffer, without a summary.
TEST(EspSaInbound, PacketsOpenInAnyOrderAroundForgeries) {
    for (const auto& suite : test_suites()) {
        SCOPED_TRACE(suite.name);
        const EspSaConfig config = test_config(suite.suite, kSpi);
        Pair pair = make_pair(config);  // named, not bound: the lambda below uses both
        OutboundSa& out = pair.out;
        InboundSa& in = pair.in;
        auto copy = InboundSa::create(config, kT0);
        ASSERT_TRUE(copy.ok());
        std::vector<Bytes> inners;
        std::vector<Bytes> packets;
        for (int i = 0; i < 6; ++i) {
            inners.push_back(udp_v4(kHnbInner, kCoreInner, 1000, 2, 20 + 17 * i));
            packets.push_back(seal(out, inners.back()));
        }
        SealFaults flip;
        flip.flip_icv = true;
        const Bytes forged = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1), flip);
        Bytes tampered = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 2));
        tampered[40] ^= 0x01;
        Bytes buffer(3, 0xee);  // open_into() overwrites whatever the buffer held
        const auto open_both = [&](std::size_t i) {
            const InboundResult result = in.open(packets[i], kT0);
            ASSERT_TRUE(result.accepted()) << "packet " << i << ": " << result.reason;
            EXPECT_EQ(result.inner, inners[i]);
            EXPECT_FALSE(result.summary.empty());
            const InboundResult into = copy->open_into(packets[i], kT0, buffer);
            ASSERT_TRUE(into.accepted()) << "packet " << i << ": " << into.reason;
            EXPECT_EQ(buffer, inners[i]);
            EXPECT_TRUE(into.inner.empty());
            EXPECT_TRUE(into.summary.empty());
        };
        for (std::size_t i : {3, 0, 4}) open_both(i);
        for (const Bytes* bad : std::initializer_list<const Bytes*>{&forged, &tampered}) {
            EXPECT_EQ(in.open(*bad, kT0).outcome, InboundOutcome::kBadIcv);
            EXPECT_EQ(copy->open_into(*bad, kT0, buffer).outcome, InboundOutcome::kBadIcv);
        }
        for (std::size_t i : {5, 1, 2}) open_both(i);
    }
}

TEST(EspSaInbound, UnknownSpi) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    InboundSaTable table;
    table.add(std::move(in));
    const Bytes packet = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    Bytes other = packet;
    other[3] ^= 0xff;
    auto unknown = table.open(other, kT0);
    EXPECT_EQ(unknown.outcome, InboundOutcome::kUnknownSpi);
    EXPECT_EQ(unknown.spi, kSpi ^ 0xffU);
    EXPECT_THAT(unknown.reason, HasSubstr("0xc1d2e30b"));
    EXPECT_TRUE(table.open(packet, kT0).accepted());
    auto direct = table.find(kSpi)->open(other, kT0);
    EXPECT_EQ(direct.outcome, InboundOutcome::kUnknownSpi);
}

TEST(EspSaInbound, BadPaddingOctets) {
    for (const auto& suite : test_suites()) {
        SCOPED_TRACE(suite.name);
        auto [out, in] = make_pair(test_config(suite.suite, kSpi));
        const Bytes inner = icmp_echo_v4(kHnbInner, kCoreInner, 1, 1, 8);  // 36 octets
        SealFaults faults;
        faults.padding =
            suite.suite.encr == ike::EncrId::kAesCbc ? Bytes{1, 2, 3, 4, 5, 6, 7, 8, 9, 0xaa} : Bytes{1, 7};
        auto result = in.open(seal(out, inner, faults), kT0);
        EXPECT_EQ(result.outcome, InboundOutcome::kBadPadding);
        EXPECT_THAT(result.reason, HasSubstr("RFC 4303 §2.4"));
    }
}

TEST(EspSaInbound, PadLengthBeyondThePayload) {
    const EspSaConfig config = test_config(gcm128(), kSpi);
    auto in = InboundSa::create(config, kT0);
    ASSERT_TRUE(in.ok());
    auto result = in->open(craft_gcm(config, 1, {1, 2, 200, 4}), kT0);
    EXPECT_EQ(result.outcome, InboundOutcome::kBadPadding);
    EXPECT_THAT(result.reason, HasSubstr("Pad Length 200"));
}

TEST(EspSaInbound, BadNextHeader) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    SealFaults udp;
    udp.next_header = 17;  // a transport-mode payload on a tunnel-mode SA
    EXPECT_EQ(in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1), udp), kT0).outcome,
              InboundOutcome::kBadNextHeader);
    SealFaults v6;
    v6.next_header = kNextHeaderIpv6;  // but the inner packet is IPv4
    auto mismatch = in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 2), v6), kT0);
    EXPECT_EQ(mismatch.outcome, InboundOutcome::kBadNextHeader);
    EXPECT_THAT(mismatch.reason, HasSubstr("IPv4"));
    SealFaults dummy;
    dummy.next_header = kNextHeaderNone;
    EXPECT_EQ(in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 3), dummy), kT0).outcome,
              InboundOutcome::kDummy);
}

TEST(EspSaInbound, TruncatedPackets) {
    auto [out, in] = make_pair(test_config(cbc_sha256(), kSpi));
    const Bytes packet = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    EXPECT_EQ(in.open(ByteSpan(packet.data(), 3), kT0).outcome, InboundOutcome::kTruncated);
    EXPECT_EQ(in.open(ByteSpan(packet.data(), 8 + 16 + 16), kT0).outcome, InboundOutcome::kTruncated);
    auto unaligned = in.open(ByteSpan(packet.data(), packet.size() - 1), kT0);
    EXPECT_EQ(unaligned.outcome, InboundOutcome::kTruncated);
    EXPECT_THAT(unaligned.reason, HasSubstr("not a multiple"));
    InboundSaTable table;
    EXPECT_EQ(table.open(Bytes{1, 2}, kT0).outcome, InboundOutcome::kTruncated);
}

TEST(EspSaInbound, MalformedInnerPacket) {
    const EspSaConfig config = test_config(gcm128(), kSpi);
    auto in = InboundSa::create(config, kT0);
    ASSERT_TRUE(in.ok());
    Bytes inner = udp_v4(kHnbInner, kCoreInner, 1, 2, 6);  // 34 octets
    inner[3] = 200;                                        // Total Length beyond the payload
    auto result = in->open(craft_gcm(config, 1, esp_trailer(inner, 0, kNextHeaderIpv4)), kT0);
    EXPECT_EQ(result.outcome, InboundOutcome::kBadInner);
    EXPECT_THAT(result.reason, HasSubstr("Total Length"));
}

TEST(EspSaInbound, InnerAddressesOutsideTheTrafficSelectors) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    auto spoofed = in.open(seal(out, icmp_echo_v4({10, 99, 0, 1}, kCoreInner, 1, 1)), kT0);
    EXPECT_EQ(spoofed.outcome, InboundOutcome::kTsMismatch);
    EXPECT_THAT(spoofed.reason, HasSubstr("inner source 10.99.0.1"));
    EXPECT_EQ(spoofed.summary, "ICMP 10.99.0.1 > 10.78.0.1 echo-request id 1 seq 1");
    auto elsewhere = in.open(seal(out, icmp_echo_v4(kHnbInner, {192, 168, 1, 1}, 1, 2)), kT0);
    EXPECT_EQ(elsewhere.outcome, InboundOutcome::kTsMismatch);
    EXPECT_THAT(elsewhere.reason, HasSubstr("inner destination 192.168.1.1"));
}

TEST(EspSaInbound, ProtocolAndPortSelectors) {
    EspSaConfig config = test_config(gcm128(), kSpi);
    config.ts_local.front().ip_protocol = 17;
    config.ts_local.front().start_port = 123;
    config.ts_local.front().end_port = 123;
    auto [out, in] = make_pair(config);
    EXPECT_TRUE(in.open(seal(out, udp_v4(kHnbInner, kCoreInner, 5000, 123, 48)), kT0).accepted());
    EXPECT_EQ(in.open(seal(out, udp_v4(kHnbInner, kCoreInner, 5000, 124, 48)), kT0).outcome,
              InboundOutcome::kTsMismatch);
    EXPECT_EQ(in.open(seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1)), kT0).outcome,
              InboundOutcome::kTsMismatch);
}

TEST(EspSaOutbound, NoWrapWithoutEsn) {
    auto [out, in] = make_pair(test_config(gcm128(), kSpi));
    out.set_next_sequence(0xffffffffULL);
    EXPECT_EQ(out.lifetime_state(kT0), LifetimeState::kRekeyDue);
    const Bytes last = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    auto result = in.open(last, kT0);
    EXPECT_TRUE(result.accepted()) << result.reason;
    EXPECT_EQ(result.seq, 0xffffffffULL);
    EXPECT_EQ(out.lifetime_state(kT0), LifetimeState::kExpired);
    auto wrapped = out.seal(icmp_echo_v4(kHnbInner, kCoreInner, 1, 2), kT0);
    ASSERT_FALSE(wrapped.ok());
    EXPECT_THAT(wrapped.error().message(), HasSubstr("sequence numbers"));
    // A sender that cycles anyway (seq 1 again) is outside the receiver's window.
    auto cycled = OutboundSa::create(peer_view(test_config(gcm128(), kSpi)), kT0);
    ASSERT_TRUE(cycled.ok());
    EXPECT_EQ(in.open(seal(*cycled, icmp_echo_v4(kHnbInner, kCoreInner, 1, 3)), kT0).outcome,
              InboundOutcome::kTooOld);
}

TEST(EspSaLifetime, SoftThenHardBytesOnBothDirections) {
    EspSaConfig config = test_config(gcm128(), kSpi);
    const Bytes inner = udp_v4(kHnbInner, kCoreInner, 1, 2, 72);  // 100 octets
    config.lifetime.soft_bytes = 150;
    config.lifetime.hard_bytes = 300;
    auto [out, in] = make_pair(config);
    EXPECT_TRUE(in.open(seal(out, inner), kT0).accepted());
    EXPECT_EQ(in.lifetime_state(kT0), LifetimeState::kActive);
    EXPECT_TRUE(in.open(seal(out, inner), kT0).accepted());
    EXPECT_EQ(in.lifetime_state(kT0), LifetimeState::kRekeyDue);
    EXPECT_EQ(out.lifetime_state(kT0), LifetimeState::kRekeyDue);
    EXPECT_TRUE(in.open(seal(out, inner), kT0).accepted());
    EXPECT_EQ(in.lifetime_state(kT0), LifetimeState::kExpired);
    auto refused = out.seal(inner, kT0);
    ASSERT_FALSE(refused.ok());
    EXPECT_THAT(refused.error().message(), HasSubstr("hard lifetime"));
    auto late = OutboundSa::create(peer_view(config), kT0);
    ASSERT_TRUE(late.ok());
    late->set_next_sequence(10);
    auto result = in.open(seal(*late, inner), kT0);
    EXPECT_EQ(result.outcome, InboundOutcome::kExpired);
    EXPECT_EQ(inbound_outcome_name(result.outcome), "expired");
}

TEST(EspSaLifetime, HardSecondsRefuseTraffic) {
    EspSaConfig config = test_config(cbc_sha256(), kSpi);
    config.lifetime.soft_time = std::chrono::seconds(10);
    config.lifetime.hard_time = std::chrono::seconds(20);
    auto [out, in] = make_pair(config);
    const Bytes packet = seal(out, icmp_echo_v4(kHnbInner, kCoreInner, 1, 1));
    EXPECT_EQ(in.lifetime_state(kT0 + std::chrono::seconds(15)), LifetimeState::kRekeyDue);
    EXPECT_EQ(in.open(packet, kT0 + std::chrono::seconds(20)).outcome, InboundOutcome::kExpired);
    EXPECT_FALSE(out.seal(icmp_echo_v4(kHnbInner, kCoreInner, 1, 2), kT0 + std::chrono::seconds(21)).ok());
}

}  // namespace
}  // namespace hnbsec::esp
