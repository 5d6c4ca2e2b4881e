#include "proto/ike/constants.h"

#include <gtest/gtest.h>

#include "proto/ike/header.h"

namespace hnbsec::ike {
namespace {

TEST(Constants, KnownValuesHaveRfcNames) {
    EXPECT_EQ(exchange_type_name(ExchangeType::kIkeSaInit), "IKE_SA_INIT");
    EXPECT_EQ(exchange_type_name(ExchangeType::kInformational), "INFORMATIONAL");
    EXPECT_EQ(payload_type_name(PayloadType::kIdi), "IDi");
    EXPECT_EQ(payload_type_name(PayloadType::kCertReq), "CERTREQ");
    EXPECT_EQ(payload_type_name(PayloadType::kSkf), "SKF");
    EXPECT_EQ(id_type_name(IdType::kDerAsn1Dn), "ID_DER_ASN1_DN");
    EXPECT_EQ(cert_encoding_name(CertEncoding::kOcspContent), "OCSP_CONTENT");
    EXPECT_EQ(notify_type_name(NotifyType::kNoProposalChosen), "NO_PROPOSAL_CHOSEN");
    EXPECT_EQ(notify_type_name(NotifyType::kSignatureHashAlgorithms), "SIGNATURE_HASH_ALGORITHMS");
    EXPECT_EQ(notify_type_name(NotifyType::kChildSaNotFound), "CHILD_SA_NOT_FOUND");
    EXPECT_EQ(cp_type_name(CpType::kReply), "CFG_REPLY");
    EXPECT_EQ(cp_attribute_type_name(CpAttributeType::kInternalIp6Subnet), "INTERNAL_IP6_SUBNET");
    EXPECT_EQ(ts_type_name(TsType::kIpv6AddrRange), "TS_IPV6_ADDR_RANGE");
    EXPECT_EQ(protocol_id_name(ProtocolId::kEsp), "ESP");
    EXPECT_EQ(transform_attribute_type_name(TransformAttributeType::kKeyLength), "KEY_LENGTH");
}

TEST(Constants, UnknownValuesShowRegistryAndNumber) {
    EXPECT_EQ(notify_type_name(static_cast<NotifyType>(12345)), "NOTIFY(12345)");
    EXPECT_EQ(exchange_type_name(static_cast<ExchangeType>(99)), "EXCHANGE(99)");
    EXPECT_EQ(payload_type_name(static_cast<PayloadType>(49)), "PAYLOAD(49)");
    EXPECT_EQ(id_type_name(static_cast<IdType>(4)), "ID(4)");
    EXPECT_EQ(cert_encoding_name(static_cast<CertEncoding>(1)), "CERT_ENCODING(1)");
    EXPECT_EQ(cp_type_name(static_cast<CpType>(0)), "CFG(0)");
    EXPECT_EQ(cp_attribute_type_name(static_cast<CpAttributeType>(32767)), "CP_ATTRIBUTE(32767)");
    EXPECT_EQ(ts_type_name(static_cast<TsType>(9)), "TS(9)");
    EXPECT_EQ(protocol_id_name(static_cast<ProtocolId>(0)), "PROTOCOL(0)");
    EXPECT_EQ(transform_attribute_type_name(static_cast<TransformAttributeType>(1)), "ATTRIBUTE(1)");
}

TEST(Constants, WireValuesMatchTheRegistry) {
    EXPECT_EQ(static_cast<int>(PayloadType::kSk), 46);
    EXPECT_EQ(static_cast<int>(PayloadType::kSkf), 53);
    EXPECT_EQ(static_cast<int>(NotifyType::kUnsupportedCriticalPayload), 1);
    EXPECT_EQ(static_cast<int>(NotifyType::kTemporaryFailure), 43);
    EXPECT_EQ(static_cast<int>(NotifyType::kIkev2FragmentationSupported), 16430);
    EXPECT_EQ(static_cast<int>(CpAttributeType::kSupportedAttributes), 14);
    EXPECT_EQ(static_cast<int>(CertEncoding::kHashAndUrlBundle), 13);
}

TEST(Constants, ErrorAndStatusNotifications) {
    EXPECT_TRUE(is_error(NotifyType::kAuthenticationFailed));
    EXPECT_TRUE(is_error(static_cast<NotifyType>(16383)));
    EXPECT_FALSE(is_error(NotifyType::kInitialContact));
}

TEST(Header, MessageNameAndFlags) {
    IkeHeader h;
    h.exchange_type = ExchangeType::kIkeAuth;
    h.flags = kFlagInitiator;
    EXPECT_TRUE(h.initiator());
    EXPECT_FALSE(h.response());
    EXPECT_EQ(message_name(h), "IKE_AUTH request");
    h.flags = kFlagResponse;
    EXPECT_EQ(message_name(h), "IKE_AUTH response");
    h.exchange_type = static_cast<ExchangeType>(240);
    EXPECT_EQ(message_name(h), "EXCHANGE(240) response");
}

}  // namespace
}  // namespace hnbsec::ike
