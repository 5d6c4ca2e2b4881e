#include "proto/ike/constants.h"

#include <span>
#include <string_view>
#include <type_traits>

namespace hnbsec::ike {
namespace {

// One registry's names, declared once as data.
template <typename Enum>
struct Named {
    Enum value;
    std::string_view name;
};

template <typename Enum>
std::string lookup(std::span<const Named<Enum>> table, Enum value, std::string_view registry) {
    for (const auto& entry : table) {
        if (entry.value == value) return std::string(entry.name);
    }
    return std::string(registry) + "(" +
           std::to_string(static_cast<std::underlying_type_t<Enum>>(value) + 0) + ")";
}

constexpr Named<ExchangeType> kExchangeTypes[] = {
    {ExchangeType::kIkeSaInit, "IKE_SA_INIT"},
    {ExchangeType::kIkeAuth, "IKE_AUTH"},
    {ExchangeType::kCreateChildSa, "CREATE_CHILD_SA"},
    {ExchangeType::kInformational, "INFORMATIONAL"},
};

constexpr Named<PayloadType> kPayloadTypes[] = {
    {PayloadType::kNoNextPayload, "NONE"},
    {PayloadType::kSa, "SA"},
    {PayloadType::kKe, "KE"},
    {PayloadType::kIdi, "IDi"},
    {PayloadType::kIdr, "IDr"},
    {PayloadType::kCert, "CERT"},
    {PayloadType::kCertReq, "CERTREQ"},
    {PayloadType::kAuth, "AUTH"},
    {PayloadType::kNonce, "Nonce"},
    {PayloadType::kNotify, "Notify"},
    {PayloadType::kDelete, "Delete"},
    {PayloadType::kVendorId, "VendorID"},
    {PayloadType::kTsi, "TSi"},
    {PayloadType::kTsr, "TSr"},
    {PayloadType::kSk, "SK"},
    {PayloadType::kCp, "CP"},
    {PayloadType::kEap, "EAP"},
    {PayloadType::kSkf, "SKF"},
};

constexpr Named<IdType> kIdTypes[] = {
    {IdType::kIpv4Addr, "ID_IPV4_ADDR"},     {IdType::kFqdn, "ID_FQDN"},
    {IdType::kRfc822Addr, "ID_RFC822_ADDR"}, {IdType::kIpv6Addr, "ID_IPV6_ADDR"},
    {IdType::kDerAsn1Dn, "ID_DER_ASN1_DN"},  {IdType::kDerAsn1Gn, "ID_DER_ASN1_GN"},
    {IdType::kKeyId, "ID_KEY_ID"},
};

constexpr Named<CertEncoding> kCertEncodings[] = {
    {CertEncoding::kX509Signature, "X509_SIGNATURE"},
    {CertEncoding::kCrl, "CRL"},
    {CertEncoding::kHashAndUrlX509, "HASH_AND_URL_X509"},
    {CertEncoding::kHashAndUrlBundle, "HASH_AND_URL_X509_BUNDLE"},
    {CertEncoding::kOcspContent, "OCSP_CONTENT"},
};

constexpr Named<NotifyType> kNotifyTypes[] = {
    {NotifyType::kUnsupportedCriticalPayload, "UNSUPPORTED_CRITICAL_PAYLOAD"},
    {NotifyType::kInvalidIkeSpi, "INVALID_IKE_SPI"},
    {NotifyType::kInvalidMajorVersion, "INVALID_MAJOR_VERSION"},
    {NotifyType::kInvalidSyntax, "INVALID_SYNTAX"},
    {NotifyType::kInvalidMessageId, "INVALID_MESSAGE_ID"},
    {NotifyType::kInvalidSpi, "INVALID_SPI"},
    {NotifyType::kNoProposalChosen, "NO_PROPOSAL_CHOSEN"},
    {NotifyType::kInvalidKePayload, "INVALID_KE_PAYLOAD"},
    {NotifyType::kAuthenticationFailed, "AUTHENTICATION_FAILED"},
    {NotifyType::kSinglePairRequired, "SINGLE_PAIR_REQUIRED"},
    {NotifyType::kNoAdditionalSas, "NO_ADDITIONAL_SAS"},
    {NotifyType::kInternalAddressFailure, "INTERNAL_ADDRESS_FAILURE"},
    {NotifyType::kFailedCpRequired, "FAILED_CP_REQUIRED"},
    {NotifyType::kTsUnacceptable, "TS_UNACCEPTABLE"},
    {NotifyType::kInvalidSelectors, "INVALID_SELECTORS"},
    {NotifyType::kUnacceptableAddresses, "UNACCEPTABLE_ADDRESSES"},
    {NotifyType::kUnexpectedNatDetected, "UNEXPECTED_NAT_DETECTED"},
    {NotifyType::kUseAssignedHoA, "USE_ASSIGNED_HoA"},
    {NotifyType::kTemporaryFailure, "TEMPORARY_FAILURE"},
    {NotifyType::kChildSaNotFound, "CHILD_SA_NOT_FOUND"},
    {NotifyType::kInitialContact, "INITIAL_CONTACT"},
    {NotifyType::kSetWindowSize, "SET_WINDOW_SIZE"},
    {NotifyType::kAdditionalTsPossible, "ADDITIONAL_TS_POSSIBLE"},
    {NotifyType::kIpcompSupported, "IPCOMP_SUPPORTED"},
    {NotifyType::kNatDetectionSourceIp, "NAT_DETECTION_SOURCE_IP"},
    {NotifyType::kNatDetectionDestinationIp, "NAT_DETECTION_DESTINATION_IP"},
    {NotifyType::kCookie, "COOKIE"},
    {NotifyType::kUseTransportMode, "USE_TRANSPORT_MODE"},
    {NotifyType::kHttpCertLookupSupported, "HTTP_CERT_LOOKUP_SUPPORTED"},
    {NotifyType::kRekeySa, "REKEY_SA"},
    {NotifyType::kEspTfcPaddingNotSupported, "ESP_TFC_PADDING_NOT_SUPPORTED"},
    {NotifyType::kNonFirstFragmentsAlso, "NON_FIRST_FRAGMENTS_ALSO"},
    {NotifyType::kMobikeSupported, "MOBIKE_SUPPORTED"},
    {NotifyType::kAdditionalIp4Address, "ADDITIONAL_IP4_ADDRESS"},
    {NotifyType::kAdditionalIp6Address, "ADDITIONAL_IP6_ADDRESS"},
    {NotifyType::kNoAdditionalAddresses, "NO_ADDITIONAL_ADDRESSES"},
    {NotifyType::kUpdateSaAddresses, "UPDATE_SA_ADDRESSES"},
    {NotifyType::kCookie2, "COOKIE2"},
    {NotifyType::kNoNatsAllowed, "NO_NATS_ALLOWED"},
    {NotifyType::kAuthLifetime, "AUTH_LIFETIME"},
    {NotifyType::kMultipleAuthSupported, "MULTIPLE_AUTH_SUPPORTED"},
    {NotifyType::kAnotherAuthFollows, "ANOTHER_AUTH_FOLLOWS"},
    {NotifyType::kRedirectSupported, "REDIRECT_SUPPORTED"},
    {NotifyType::kRedirect, "REDIRECT"},
    {NotifyType::kRedirectedFrom, "REDIRECTED_FROM"},
    {NotifyType::kEapOnlyAuthentication, "EAP_ONLY_AUTHENTICATION"},
    {NotifyType::kChildlessIkev2Supported, "CHILDLESS_IKEV2_SUPPORTED"},
    {NotifyType::kIkev2FragmentationSupported, "IKEV2_FRAGMENTATION_SUPPORTED"},
    {NotifyType::kSignatureHashAlgorithms, "SIGNATURE_HASH_ALGORITHMS"},
};

constexpr Named<CpType> kCpTypes[] = {
    {CpType::kRequest, "CFG_REQUEST"},
    {CpType::kReply, "CFG_REPLY"},
    {CpType::kSet, "CFG_SET"},
    {CpType::kAck, "CFG_ACK"},
};

constexpr Named<CpAttributeType> kCpAttributeTypes[] = {
    {CpAttributeType::kInternalIp4Address, "INTERNAL_IP4_ADDRESS"},
    {CpAttributeType::kInternalIp4Netmask, "INTERNAL_IP4_NETMASK"},
    {CpAttributeType::kInternalIp4Dns, "INTERNAL_IP4_DNS"},
    {CpAttributeType::kInternalIp4Nbns, "INTERNAL_IP4_NBNS"},
    {CpAttributeType::kInternalIp4Dhcp, "INTERNAL_IP4_DHCP"},
    {CpAttributeType::kApplicationVersion, "APPLICATION_VERSION"},
    {CpAttributeType::kInternalIp6Address, "INTERNAL_IP6_ADDRESS"},
    {CpAttributeType::kInternalIp6Dns, "INTERNAL_IP6_DNS"},
    {CpAttributeType::kInternalIp6Dhcp, "INTERNAL_IP6_DHCP"},
    {CpAttributeType::kInternalIp4Subnet, "INTERNAL_IP4_SUBNET"},
    {CpAttributeType::kSupportedAttributes, "SUPPORTED_ATTRIBUTES"},
    {CpAttributeType::kInternalIp6Subnet, "INTERNAL_IP6_SUBNET"},
};

constexpr Named<TsType> kTsTypes[] = {
    {TsType::kIpv4AddrRange, "TS_IPV4_ADDR_RANGE"},
    {TsType::kIpv6AddrRange, "TS_IPV6_ADDR_RANGE"},
};

constexpr Named<ProtocolId> kProtocolIds[] = {
    {ProtocolId::kIke, "IKE"},
    {ProtocolId::kAh, "AH"},
    {ProtocolId::kEsp, "ESP"},
};

constexpr Named<TransformAttributeType> kTransformAttributeTypes[] = {
    {TransformAttributeType::kKeyLength, "KEY_LENGTH"},
};

}  // namespace

std::string exchange_type_name(ExchangeType value) {
    return lookup<ExchangeType>(kExchangeTypes, value, "EXCHANGE");
}

std::string payload_type_name(PayloadType value) {
    return lookup<PayloadType>(kPayloadTypes, value, "PAYLOAD");
}

std::string id_type_name(IdType value) {
    return lookup<IdType>(kIdTypes, value, "ID");
}

std::string cert_encoding_name(CertEncoding value) {
    return lookup<CertEncoding>(kCertEncodings, value, "CERT_ENCODING");
}

std::string notify_type_name(NotifyType value) {
    return lookup<NotifyType>(kNotifyTypes, value, "NOTIFY");
}

std::string cp_type_name(CpType value) {
    return lookup<CpType>(kCpTypes, value, "CFG");
}

std::string cp_attribute_type_name(CpAttributeType value) {
    return lookup<CpAttributeType>(kCpAttributeTypes, value, "CP_ATTRIBUTE");
}

std::string ts_type_name(TsType value) {
    return lookup<TsType>(kTsTypes, value, "TS");
}

std::string protocol_id_name(ProtocolId value) {
    return lookup<ProtocolId>(kProtocolIds, value, "PROTOCOL");
}

std::string transform_attribute_type_name(TransformAttributeType value) {
    return lookup<TransformAttributeType>(kTransformAttributeTypes, value, "ATTRIBUTE");
}

}  // namespace hnbsec::ike
