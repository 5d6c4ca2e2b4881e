#include "emulator/services/ntp_exchange.h"

#include <gtest/gtest.h>

#include "proto/ntp/kiss_of_death.h"

namespace hnbsec::emulator {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr ntp::SystemTime kT1 = ntp::SystemTime(seconds(1'795'000'000));  // 2026-11-18

// A server answer to `request` whose clock runs `offset` ahead, 10 ms each way.
ntp::Packet answer(const ntp::Packet& request, std::chrono::nanoseconds offset) {
    ntp::Packet reply;
    reply.mode = ntp::Mode::kServer;
    reply.stratum = 2;
    reply.reference_id = ntp::reference_id_from_text("GPS");
    reply.origin = request.transmit;
    reply.receive = ntp::to_ntp(kT1 + milliseconds(10) + offset);
    reply.transmit = ntp::to_ntp(kT1 + milliseconds(11) + offset);
    return reply;
}

ntp::Bytes bytes(const ntp::Packet& packet) {
    auto encoded = ntp::encode_packet(packet);
    EXPECT_TRUE(encoded.ok());
    return encoded.ok() ? *encoded : ntp::Bytes{};
}

constexpr ntp::SystemTime kT4 = kT1 + milliseconds(21);

TEST(NtpExchangeTest, RequestIsClientModeWithOurTransmitTime) {
    const ntp::Packet request = make_time_request(kT1);
    EXPECT_EQ(request.mode, ntp::Mode::kClient);
    EXPECT_EQ(request.version, 4);
    EXPECT_EQ(request.transmit, ntp::to_ntp(kT1));
    EXPECT_TRUE(request.origin.is_zero());
    EXPECT_EQ(bytes(request).size(), ntp::kHeaderLength);
}

TEST(NtpExchangeTest, OffsetIsThetaOfRfc5905) {
    const ntp::Packet request = make_time_request(kT1);
    auto sample = evaluate_time_reply(bytes(answer(request, seconds(90))), request, kT4, true);
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->offset.count(), 90'000);
    EXPECT_EQ(sample->stratum, 2);
    const auto server_ms = std::chrono::duration_cast<milliseconds>(sample->server_time.time_since_epoch());
    EXPECT_EQ(server_ms, std::chrono::duration_cast<milliseconds>(
                             (kT1 + milliseconds(11) + seconds(90)).time_since_epoch()));
}

TEST(NtpExchangeTest, NegativeOffset) {
    const ntp::Packet request = make_time_request(kT1);
    auto sample = evaluate_time_reply(bytes(answer(request, -seconds(3600))), request, kT4, true);
    ASSERT_TRUE(sample.ok()) << sample.error().message();
    EXPECT_EQ(sample->offset.count(), -3'600'000);
}

TEST(NtpExchangeTest, WrongOriginIsRefusedOnlyWhenChecked) {
    const ntp::Packet request = make_time_request(kT1);
    ntp::Packet reply = answer(request, seconds(0));
    reply.origin.fraction ^= 1U;
    auto refused = evaluate_time_reply(bytes(reply), request, kT4, true);
    ASSERT_FALSE(refused.ok());
    EXPECT_NE(refused.error().what().find("origin timestamp"), std::string::npos) << refused.error().what();
    EXPECT_TRUE(evaluate_time_reply(bytes(reply), request, kT4, false).ok());
}

TEST(NtpExchangeTest, KissOfDeathIsRefusedByItsCode) {
    const ntp::Packet request = make_time_request(kT1);
    const ntp::Packet kod = ntp::make_kiss_of_death(request, "RATE", ntp::to_ntp(kT1), ntp::to_ntp(kT1));
    for (bool check_origin : {true, false}) {
        auto refused = evaluate_time_reply(bytes(kod), request, kT4, check_origin);
        ASSERT_FALSE(refused.ok());
        EXPECT_NE(refused.error().what().find("kiss-o'-death RATE"), std::string::npos)
            << refused.error().what();
    }
}

TEST(NtpExchangeTest, RefusesWrongModeUnsynchronisedAndGarbage) {
    const ntp::Packet request = make_time_request(kT1);
    ntp::Packet reply = answer(request, seconds(0));
    reply.mode = ntp::Mode::kSymmetricPassive;
    EXPECT_FALSE(evaluate_time_reply(bytes(reply), request, kT4, true).ok());
    reply = answer(request, seconds(0));
    reply.stratum = 16;
    EXPECT_FALSE(evaluate_time_reply(bytes(reply), request, kT4, true).ok());
    reply = answer(request, seconds(0));
    reply.leap = ntp::Leap::kUnsynchronised;
    EXPECT_FALSE(evaluate_time_reply(bytes(reply), request, kT4, true).ok());
    reply = answer(request, seconds(0));
    reply.transmit = {};
    EXPECT_FALSE(evaluate_time_reply(bytes(reply), request, kT4, true).ok());
    const ntp::Bytes short_reply(20, 0x24);
    auto garbage = evaluate_time_reply(short_reply, request, kT4, true);
    ASSERT_FALSE(garbage.ok());
    EXPECT_NE(garbage.error().message().find("decoding the NTP reply"), std::string::npos);
}

}  // namespace
}  // namespace hnbsec::emulator
