// Whole messages: the real strongSwan 5.9.8 exchange decodes, and re-encodes to the
// same bytes; messages built from values encode to the expected bytes.

#include <gtest/gtest.h>

#include "proto/ike/decode.h"
#include "proto/ike/encode.h"
#include "proto/ike/testdata.h"
#include "proto/wire/hex.h"

namespace hnbsec::ike {
namespace {

using testing::fixture;
using testing::fixtures;
using testing::hex;
using testing::ike_message;
using testing::kStrongswanFile;

std::vector<PayloadType> types_of(const std::vector<Payload>& payloads) {
    std::vector<PayloadType> types;
    types.reserve(payloads.size());
    for (const auto& p : payloads) types.push_back(p.type);
    return types;
}

Message decoded(std::string_view name) {
    auto m = decode_message(ike_message(fixture(kStrongswanFile, name)));
    EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().what());
    return m.ok() ? *m : Message{};
}

using PT = PayloadType;

TEST(RealMessages, IkeSaInitRequest) {
    Message m = decoded("ike_sa_init_request");
    EXPECT_EQ(m.header.spi_i, 0xf4ac3b0af74fb6f9u);
    EXPECT_EQ(m.header.spi_r, 0u);
    EXPECT_EQ(m.header.next_payload, PT::kSa);
    EXPECT_EQ(m.header.major_version, 2);
    EXPECT_EQ(m.header.minor_version, 0);
    EXPECT_EQ(m.header.exchange_type, ExchangeType::kIkeSaInit);
    EXPECT_EQ(m.header.flags, kFlagInitiator);
    EXPECT_EQ(m.header.message_id, 0u);
    EXPECT_EQ(m.header.length, 464u);
    EXPECT_EQ(types_of(m.payloads), (std::vector<PT>{PT::kSa, PT::kKe, PT::kNonce, PT::kNotify, PT::kNotify,
                                                     PT::kNotify, PT::kNotify, PT::kNotify}));
    EXPECT_EQ(m.payloads[7].as<Notify>()->type, NotifyType::kRedirectSupported);
    ASSERT_NE(m.find(PT::kKe), nullptr);
    EXPECT_EQ(m.find(PT::kKe)->as<Ke>()->dh_group, 14);
    EXPECT_EQ(m.find(PT::kCert), nullptr);
}

TEST(RealMessages, IkeSaInitResponse) {
    Message m = decoded("ike_sa_init_response");
    EXPECT_EQ(m.header.spi_i, 0xf4ac3b0af74fb6f9u);
    EXPECT_EQ(m.header.spi_r, 0x09fd39a540cf1406u);
    EXPECT_TRUE(m.header.response());
    EXPECT_FALSE(m.header.initiator());
    EXPECT_EQ(types_of(m.payloads),
              (std::vector<PT>{PT::kSa, PT::kKe, PT::kNonce, PT::kNotify, PT::kNotify, PT::kCertReq,
                               PT::kNotify, PT::kNotify, PT::kNotify, PT::kNotify}));
    EXPECT_EQ(m.payloads[9].as<Notify>()->type, NotifyType::kMultipleAuthSupported);
}

TEST(RealMessages, IkeAuthFragments) {
    Message first = decoded("ike_auth_request_fragment_1");
    EXPECT_EQ(first.header.exchange_type, ExchangeType::kIkeAuth);
    EXPECT_EQ(first.header.message_id, 1u);
    ASSERT_EQ(first.payloads.size(), 1u);
    const Skf* skf = first.payloads[0].as<Skf>();
    ASSERT_NE(skf, nullptr);
    EXPECT_EQ(skf->fragment_number, 1);
    EXPECT_EQ(skf->total_fragments, 2);
    EXPECT_EQ(skf->first_inner, PT::kIdi);

    Message last = decoded("ike_auth_response_fragment_2");
    EXPECT_TRUE(last.header.response());
    EXPECT_EQ(last.payloads.at(0).as<Skf>()->fragment_number, 2);
    EXPECT_EQ(last.payloads.at(0).as<Skf>()->first_inner, PT::kNoNextPayload);
}

TEST(RealMessages, DecryptedIkeAuthInnerPayloads) {
    testing::Fixture request = fixture(kStrongswanFile, "ike_auth_request_inner");
    auto inner = decode_payloads(testing::first_payload(request), request.bytes);
    ASSERT_TRUE(inner.ok()) << inner.error().what();
    EXPECT_EQ(types_of(*inner), (std::vector<PT>{PT::kIdi, PT::kCert, PT::kNotify, PT::kCertReq, PT::kIdr,
                                                 PT::kAuth, PT::kCp, PT::kSa, PT::kTsi, PT::kTsr, PT::kNotify,
                                                 PT::kNotify, PT::kNotify, PT::kNotify, PT::kNotify}));
    EXPECT_EQ(inner->at(2).as<Notify>()->type, NotifyType::kInitialContact);

    testing::Fixture response = fixture(kStrongswanFile, "ike_auth_response_inner");
    auto reply = decode_payloads(testing::first_payload(response), response.bytes);
    ASSERT_TRUE(reply.ok()) << reply.error().what();
    EXPECT_EQ(types_of(*reply), (std::vector<PT>{PT::kIdr, PT::kCert, PT::kAuth, PT::kCp, PT::kSa, PT::kTsi,
                                                 PT::kTsr, PT::kNotify, PT::kNotify}));
}

// decode then encode gives back the captured bytes, for every real message.
TEST(RealMessages, RoundTripToTheSameBytes) {
    auto all = fixtures(kStrongswanFile);
    ASSERT_EQ(all.size(), 8u);
    for (const auto& f : all) {
        if (f.kind.rfind("payloads:", 0) == 0) {
            auto payloads = decode_payloads(testing::first_payload(f), f.bytes);
            ASSERT_TRUE(payloads.ok()) << f.name << ": " << payloads.error().what();
            auto bytes = encode_payloads(*payloads);
            ASSERT_TRUE(bytes.ok()) << f.name << ": " << bytes.error().what();
            EXPECT_EQ(wire::to_hex(*bytes), wire::to_hex(f.bytes)) << f.name;
            continue;
        }
        Bytes original = ike_message(f);
        auto m = decode_message(original);
        ASSERT_TRUE(m.ok()) << f.name << ": " << m.error().what();
        auto bytes = encode_message(*m);
        ASSERT_TRUE(bytes.ok()) << f.name << ": " << bytes.error().what();
        EXPECT_EQ(wire::to_hex(*bytes), wire::to_hex(original)) << f.name;
        auto again = decode_message(*bytes);
        ASSERT_TRUE(again.ok());
        EXPECT_EQ(*again, *m) << f.name;
    }
}

TEST(RealMessages, HeaderAloneDecodes) {
    auto h = decode_header(ike_message(fixture(kStrongswanFile, "ike_auth_request_fragment_2")));
    ASSERT_TRUE(h.ok()) << h.error().what();
    EXPECT_EQ(h->next_payload, PT::kSkf);
    EXPECT_EQ(h->message_id, 1u);
}

// What a responder sends when no proposal is acceptable: built from values.
TEST(BuiltMessages, IkeSaInitNoProposalChosen) {
    Message m;
    m.header.spi_i = 0x0102030405060708;
    m.header.exchange_type = ExchangeType::kIkeSaInit;
    m.header.flags = kFlagResponse;
    Notify n;
    n.type = NotifyType::kNoProposalChosen;
    m.payloads.push_back(make_payload(PT::kNotify, n));
    auto bytes = encode_message(m);
    ASSERT_TRUE(bytes.ok()) << bytes.error().what();
    EXPECT_EQ(wire::to_hex(*bytes),
              "0102030405060708"
              "0000000000000000"
              "29202220"
              "00000000"
              "00000024"
              "00000008"
              "0000000e");
    // Decoding fills in what the encoder derived.
    auto back = decode_message(*bytes);
    ASSERT_TRUE(back.ok());
    m.header.next_payload = PT::kNotify;
    m.header.length = 36;
    EXPECT_EQ(*back, m);
}

TEST(BuiltMessages, EmptyInformationalIsJustAHeader) {
    Message m;
    m.header.exchange_type = ExchangeType::kInformational;
    m.header.message_id = 7;
    auto bytes = encode_message(m);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), kHeaderSize);
    auto back = decode_message(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().what();
    EXPECT_TRUE(back->payloads.empty());
    EXPECT_EQ(back->header.message_id, 7u);
}

TEST(EditedMessages, DroppingAPayloadRewritesChainAndLengths) {
    Message m = decoded("ike_sa_init_request");
    m.payloads.pop_back();                     // REDIRECT_SUPPORTED
    m.payloads.erase(m.payloads.begin() + 3);  // NAT_DETECTION_SOURCE_IP
    auto bytes = encode_message(m);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ(bytes->size(), 464u - 8 - 28);
    auto back = decode_message(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().what();
    EXPECT_EQ(back->payloads, m.payloads);
    EXPECT_EQ(back->header.length, 464u - 8 - 28);
}

TEST(EditedMessages, SkMessageCarriesFirstInnerPayload) {
    Message m;
    m.header.exchange_type = ExchangeType::kInformational;
    m.header.flags = kFlagInitiator;
    m.header.message_id = 2;
    m.payloads.push_back(make_payload(PT::kSk, Sk{PT::kDelete, hex("000102030405060708090a0b0c0d0e0f")}));
    auto bytes = encode_message(m);
    ASSERT_TRUE(bytes.ok());
    EXPECT_EQ((*bytes)[16], 46);  // header: SK
    EXPECT_EQ((*bytes)[28], 42);  // SK's Next Payload: Delete
    auto back = decode_message(*bytes);
    ASSERT_TRUE(back.ok()) << back.error().what();
    EXPECT_EQ(back->payloads.at(0).as<Sk>()->first_inner, PT::kDelete);
}

TEST(EditedMessages, MinorVersionAndUnknownFlagsAreKept) {
    Bytes bytes = ike_message(fixture(kStrongswanFile, "ike_sa_init_request"));
    bytes[17] = 0x21;          // version 2.1
    bytes[19] |= 0x10 | 0x01;  // V flag and an X bit
    auto m = decode_message(bytes);
    ASSERT_TRUE(m.ok()) << m.error().what();
    EXPECT_EQ(m->header.minor_version, 1);
    EXPECT_TRUE(m->header.version_flag());
    EXPECT_EQ(m->header.flags & kFlagsReserved, 0x01);
    EXPECT_EQ(*encode_message(*m), bytes);
}

TEST(EncodeErrors, ValuesThatDoNotFit) {
    Message m;
    m.header.major_version = 16;
    auto version = encode_message(m);
    ASSERT_FALSE(version.ok());
    EXPECT_EQ(version.error().what(),
              "encoding IKE_SA_INIT request: header: version 16.0 does not fit two 4-bit fields");

    Message big;
    big.payloads.push_back(make_payload(PT::kCert, Cert{CertEncoding::kX509Signature, Bytes(70000, 0x30)}));
    auto too_big = encode_message(big);
    ASSERT_FALSE(too_big.ok());
    EXPECT_EQ(too_big.error().what(),
              "encoding IKE_SA_INIT request: payload 1 (CERT): Payload Length 70005 does not fit 2 bytes");

    Message reserved;
    Payload p = make_payload(PT::kNonce, Nonce{});
    p.reserved = 0x80;
    reserved.payloads.push_back(p);
    auto r = encode_message(reserved);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().what(),
              "encoding IKE_SA_INIT request: payload 1 (Nonce): reserved bits 128 do not fit 7 bits");
}

}  // namespace
}  // namespace hnbsec::ike
