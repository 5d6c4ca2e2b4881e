#include "harness/roles/timeserver/responder.h"

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <unistd.h>

#include "harness/roles/timeserver/key_file.h"
#include "proto/ntp/kiss_of_death.h"
#include "proto/ntp/mac.h"

namespace hnbsec::timeserver {
namespace {

using namespace std::chrono_literals;

constexpr ntp::SystemTime kReceived{std::chrono::seconds(1'790'000'000)};  // 2026-09-21
constexpr ntp::SystemTime kSent = kReceived + 2ms;

ntp::Packet client_request() {
    ntp::Packet request;
    request.version = 4;
    request.mode = ntp::Mode::kClient;
    request.poll = 6;
    request.transmit = ntp::Timestamp{0xeb0c4f21, 0x12345678};
    return request;
}

ntp::Bytes encode(const ntp::Packet& packet) {
    return ntp::encode_packet(packet).value();
}

ntp::Packet decode(const Reply& reply) {
    EXPECT_TRUE(reply.datagram.has_value()) << reply.event.answer;
    if (!reply.datagram) return {};
    return ntp::decode_packet(*reply.datagram).value();
}

ntp::SymmetricKey sha1_key(std::uint32_t id, std::string_view secret) {
    return {id, ntp::MacAlgorithm::kSha1, ntp::Bytes(secret.begin(), secret.end())};
}

ServerKnobs with_keys(std::vector<ntp::SymmetricKey> keys) {
    ServerKnobs knobs;
    knobs.keys = std::make_shared<const KeyTable>(std::move(keys));
    return knobs;
}

TEST(TimeServerResponder, AnswersClientWithOffsetTime) {
    ServerKnobs knobs;
    knobs.offset = std::chrono::hours(24 * 400);
    const Reply reply = answer_request(encode(client_request()), knobs, kReceived, kSent);
    const ntp::Packet answer = decode(reply);
    EXPECT_EQ(answer.mode, ntp::Mode::kServer);
    EXPECT_EQ(answer.version, 4);
    EXPECT_EQ(answer.stratum, 1);
    EXPECT_EQ(answer.leap, ntp::Leap::kNoWarning);
    EXPECT_EQ(answer.origin, client_request().transmit);  // RFC 5905 §8: echo of the client's T1
    EXPECT_EQ(answer.receive, ntp::to_ntp(kReceived + knobs.offset));
    EXPECT_EQ(answer.transmit, ntp::to_ntp(kSent + knobs.offset));
    EXPECT_EQ(ntp::reference_id_text(answer.reference_id), "LOCL");
    EXPECT_FALSE(answer.mac.has_value());
    EXPECT_TRUE(reply.event.answered);
    EXPECT_EQ(reply.event.answer, "time +34560000.000000 s stratum 1");
    EXPECT_EQ(reply.event.version, 4);
    EXPECT_EQ(reply.event.mode, ntp::Mode::kClient);
    EXPECT_EQ(reply.event.client_transmit, client_request().transmit);
    EXPECT_EQ(reply.event.mac, MacStatus::kNone);
}

TEST(TimeServerResponder, UnsynchronisedAndKissOfDeath) {
    ServerKnobs knobs;
    knobs.stratum = 16;
    knobs.leap = ntp::Leap::kUnsynchronised;
    const ntp::Packet unsynced = decode(answer_request(encode(client_request()), knobs, kReceived, kSent));
    EXPECT_EQ(unsynced.stratum, 16);
    EXPECT_EQ(unsynced.leap, ntp::Leap::kUnsynchronised);

    knobs.kiss_code = "DENY";
    const Reply reply = answer_request(encode(client_request()), knobs, kReceived, kSent);
    const ntp::Packet kod = decode(reply);
    EXPECT_EQ(ntp::kiss_code(kod), "DENY");
    EXPECT_EQ(kod.origin, client_request().transmit);
    EXPECT_EQ(reply.event.answer, "KoD DENY");
}

TEST(TimeServerResponder, NoAnswerWrongOriginAndUnservedModes) {
    ServerKnobs knobs;
    knobs.no_answer = true;
    Reply silent = answer_request(encode(client_request()), knobs, kReceived, kSent);
    EXPECT_FALSE(silent.datagram.has_value());
    EXPECT_FALSE(silent.event.answered);
    EXPECT_EQ(silent.event.answer, "nothing: no-answer knob");

    knobs.no_answer = false;
    knobs.wrong_origin = true;
    EXPECT_NE(decode(answer_request(encode(client_request()), knobs, kReceived, kSent)).origin,
              client_request().transmit);

    ntp::Packet control = client_request();
    control.mode = ntp::Mode::kControl;
    Reply ignored = answer_request(encode(control), ServerKnobs{}, kReceived, kSent);
    EXPECT_FALSE(ignored.datagram.has_value());
    EXPECT_EQ(ignored.event.answer, "nothing: mode control is not served");
}

TEST(TimeServerResponder, MalformedRequestIsAnEventNotACrash) {
    const ntp::Bytes garbage{0x23, 0x00, 0x01};
    Reply reply = answer_request(garbage, ServerKnobs{}, kReceived, kSent);
    EXPECT_FALSE(reply.datagram.has_value());
    EXPECT_NE(reply.event.malformed.find("shorter than the 48-octet header"), std::string::npos);
    EXPECT_EQ(reply.event.length, 3U);
    EXPECT_NE(to_string(reply.event).find("malformed (3 octets)"), std::string::npos);
}

TEST(TimeServerResponder, SignsAnswersToSignedRequests) {
    const auto key = sha1_key(10, "lab-secret-10");
    const ServerKnobs knobs = with_keys({key});
    ntp::Packet request = client_request();
    ASSERT_TRUE(ntp::sign_packet(request, key).ok());
    const Reply reply = answer_request(encode(request), knobs, kReceived, kSent);
    EXPECT_EQ(reply.event.mac, MacStatus::kOk);
    EXPECT_EQ(reply.event.key_id, 10U);
    const ntp::Packet answer = decode(reply);
    ASSERT_TRUE(answer.mac.has_value());
    EXPECT_TRUE(ntp::verify_packet_mac(answer, key));

    // The corrupt-MAC knob breaks the digest a device must check.
    ServerKnobs corrupt = knobs;
    corrupt.corrupt_mac = true;
    EXPECT_FALSE(
        ntp::verify_packet_mac(decode(answer_request(encode(request), corrupt, kReceived, kSent)), key));
}

TEST(TimeServerResponder, BadMacGetsSilenceOrCryptoNak) {
    const ServerKnobs knobs = with_keys({sha1_key(10, "lab-secret-10")});
    ntp::Packet wrong = client_request();
    ASSERT_TRUE(ntp::sign_packet(wrong, sha1_key(10, "not-the-secret")).ok());
    Reply silent = answer_request(encode(wrong), knobs, kReceived, kSent);
    EXPECT_EQ(silent.event.mac, MacStatus::kBad);
    EXPECT_FALSE(silent.datagram.has_value());

    ntp::Packet unknown = client_request();
    ASSERT_TRUE(ntp::sign_packet(unknown, sha1_key(99, "lab-secret-10")).ok());
    EXPECT_EQ(answer_request(encode(unknown), knobs, kReceived, kSent).event.mac, MacStatus::kUnknownKey);

    ServerKnobs nak_knobs = knobs;
    nak_knobs.bad_mac = BadMacAnswer::kCryptoNak;
    const ntp::Packet nak = decode(answer_request(encode(wrong), nak_knobs, kReceived, kSent));
    ASSERT_TRUE(nak.mac.has_value());
    EXPECT_TRUE(nak.mac->is_crypto_nak());
}

TEST(TimeServerResponder, AuthenticationModes) {
    ServerKnobs knobs = with_keys({sha1_key(10, "lab-secret-10")});
    knobs.auth = AuthMode::kRequired;
    Reply unsigned_request = answer_request(encode(client_request()), knobs, kReceived, kSent);
    EXPECT_FALSE(unsigned_request.datagram.has_value());
    EXPECT_EQ(unsigned_request.event.answer, "nothing: authentication required");

    knobs.auth = AuthMode::kOff;
    ntp::Packet wrong = client_request();
    ASSERT_TRUE(ntp::sign_packet(wrong, sha1_key(10, "not-the-secret")).ok());
    const ntp::Packet plain = decode(answer_request(encode(wrong), knobs, kReceived, kSent));
    EXPECT_FALSE(plain.mac.has_value());
}

TEST(TimeServerKeyFile, LoadsChronyKeyFileAndNamesOnlyTheFile) {
    const auto path =
        std::filesystem::temp_directory_path() / ("hnbsec-ntp-keys-" + std::to_string(::getpid()));
    {
        std::ofstream file(path);
        file << "# keys\n10 SHA1 HEX:6c61622d7365637265742d3130\n11 AES128 HEX:0011\n";
    }
    auto bad = load_key_file(path);
    ASSERT_FALSE(bad.ok());
    EXPECT_NE(bad.error().message().find(path.string()), std::string::npos);
    EXPECT_EQ(bad.error().message().find("0011"), std::string::npos);
    {
        std::ofstream file(path);
        file << "10 SHA1 HEX:6c61622d7365637265742d3130\n";
    }
    auto keys = load_key_file(path);
    std::filesystem::remove(path);
    ASSERT_TRUE(keys.ok()) << keys.error().message();
    ASSERT_EQ(keys->size(), 1U);
    EXPECT_NE(find_key(*keys, 10), nullptr);
    EXPECT_EQ(find_key(*keys, 11), nullptr);
    EXPECT_FALSE(load_key_file(path).ok());
}

}  // namespace
}  // namespace hnbsec::timeserver
