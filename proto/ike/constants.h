#pragma once
// IKEv2 registry values (RFC 7296 §3 and the IANA "IKEv2 Parameters" registry) that
// the codec and the harness name in code and logs. Every enum has a fixed underlying
// type of the field's width, so any value seen on the wire is representable: a
// conformance tool must carry unknown and reserved values, not reject them.
//
// TransformType (§3.3.2), AuthMethod (§3.8) and the Transform IDs are defined once, in
// transform_ids.h (with their to_string() names); this file uses only those enums.

#include <cstdint>
#include <string>

#include "proto/ike/transform_ids.h"

namespace hnbsec::ike {

// RFC 7296 §3.1 Exchange Type.
enum class ExchangeType : std::uint8_t {
    kIkeSaInit = 34,
    kIkeAuth = 35,
    kCreateChildSa = 36,
    kInformational = 37,
};

// RFC 7296 §3.2 Next Payload / payload type; 0 ends the chain. SKF: RFC 7383 §2.5.
enum class PayloadType : std::uint8_t {
    kNoNextPayload = 0,
    kSa = 33,
    kKe = 34,
    kIdi = 35,
    kIdr = 36,
    kCert = 37,
    kCertReq = 38,
    kAuth = 39,
    kNonce = 40,
    kNotify = 41,
    kDelete = 42,
    kVendorId = 43,
    kTsi = 44,
    kTsr = 45,
    kSk = 46,
    kCp = 47,
    kEap = 48,
    kSkf = 53,
};

// RFC 7296 §3.5 ID Type.
enum class IdType : std::uint8_t {
    kIpv4Addr = 1,
    kFqdn = 2,
    kRfc822Addr = 3,
    kIpv6Addr = 5,
    kDerAsn1Dn = 9,
    kDerAsn1Gn = 10,
    kKeyId = 11,
};

// RFC 7296 §3.6 Certificate Encoding (also used by CERTREQ, §3.7); 14 is RFC 4806.
enum class CertEncoding : std::uint8_t {
    kX509Signature = 4,
    kCrl = 7,
    kHashAndUrlX509 = 12,
    kHashAndUrlBundle = 13,
    kOcspContent = 14,
};

// RFC 7296 §3.10.1 Notify Message Type; values below 16384 are errors.
enum class NotifyType : std::uint16_t {
    kUnsupportedCriticalPayload = 1,
    kInvalidIkeSpi = 4,
    kInvalidMajorVersion = 5,
    kInvalidSyntax = 7,
    kInvalidMessageId = 9,
    kInvalidSpi = 11,
    kNoProposalChosen = 14,
    kInvalidKePayload = 17,
    kAuthenticationFailed = 24,
    kSinglePairRequired = 34,
    kNoAdditionalSas = 35,
    kInternalAddressFailure = 36,
    kFailedCpRequired = 37,
    kTsUnacceptable = 38,
    kInvalidSelectors = 39,
    kUnacceptableAddresses = 40,  // RFC 4555
    kUnexpectedNatDetected = 41,  // RFC 4555
    kUseAssignedHoA = 42,         // RFC 5026
    kTemporaryFailure = 43,
    kChildSaNotFound = 44,
    kInitialContact = 16384,
    kSetWindowSize = 16385,
    kAdditionalTsPossible = 16386,
    kIpcompSupported = 16387,
    kNatDetectionSourceIp = 16388,
    kNatDetectionDestinationIp = 16389,
    kCookie = 16390,
    kUseTransportMode = 16391,
    kHttpCertLookupSupported = 16392,
    kRekeySa = 16393,
    kEspTfcPaddingNotSupported = 16394,
    kNonFirstFragmentsAlso = 16395,
    kMobikeSupported = 16396,              // RFC 4555
    kAdditionalIp4Address = 16397,         // RFC 4555
    kAdditionalIp6Address = 16398,         // RFC 4555
    kNoAdditionalAddresses = 16399,        // RFC 4555
    kUpdateSaAddresses = 16400,            // RFC 4555
    kCookie2 = 16401,                      // RFC 4555
    kNoNatsAllowed = 16402,                // RFC 4555
    kAuthLifetime = 16403,                 // RFC 4478
    kMultipleAuthSupported = 16404,        // RFC 4739
    kAnotherAuthFollows = 16405,           // RFC 4739
    kRedirectSupported = 16406,            // RFC 5685
    kRedirect = 16407,                     // RFC 5685
    kRedirectedFrom = 16408,               // RFC 5685
    kEapOnlyAuthentication = 16417,        // RFC 5998
    kChildlessIkev2Supported = 16418,      // RFC 6023
    kIkev2FragmentationSupported = 16430,  // RFC 7383
    kSignatureHashAlgorithms = 16431,      // RFC 7427
};

// RFC 7296 §3.15 CFG Type.
enum class CpType : std::uint8_t {
    kRequest = 1,
    kReply = 2,
    kSet = 3,
    kAck = 4,
};

// RFC 7296 §3.15.1 Configuration Attribute Type (15 bits on the wire).
enum class CpAttributeType : std::uint16_t {
    kInternalIp4Address = 1,
    kInternalIp4Netmask = 2,
    kInternalIp4Dns = 3,
    kInternalIp4Nbns = 4,
    kInternalIp4Dhcp = 6,
    kApplicationVersion = 7,
    kInternalIp6Address = 8,
    kInternalIp6Dns = 10,
    kInternalIp6Dhcp = 12,
    kInternalIp4Subnet = 13,
    kSupportedAttributes = 14,
    kInternalIp6Subnet = 15,
};

// RFC 7296 §3.13.1 TS Type.
enum class TsType : std::uint8_t {
    kIpv4AddrRange = 7,
    kIpv6AddrRange = 8,
};

// RFC 7296 §3.3.1 Protocol ID (also Notify §3.10 and Delete §3.11).
enum class ProtocolId : std::uint8_t {
    kIke = 1,
    kAh = 2,
    kEsp = 3,
};

// RFC 7296 §3.3.5 Attribute Type (15 bits on the wire).
enum class TransformAttributeType : std::uint16_t {
    kKeyLength = 14,
};

// Names for logs and error messages: the RFC's identifier for known values
// ("NO_PROPOSAL_CHOSEN"), otherwise the registry and the number ("NOTIFY(12345)").
std::string exchange_type_name(ExchangeType value);
std::string payload_type_name(PayloadType value);  // RFC 7296 §3.2 notation: "SA", "IDi", "Notify"
std::string id_type_name(IdType value);
std::string cert_encoding_name(CertEncoding value);
std::string notify_type_name(NotifyType value);
std::string cp_type_name(CpType value);
std::string cp_attribute_type_name(CpAttributeType value);
std::string ts_type_name(TsType value);
std::string protocol_id_name(ProtocolId value);
std::string transform_attribute_type_name(TransformAttributeType value);

// RFC 7296 §3.10.1: types 0-16383 report errors, 16384-65535 carry status.
inline bool is_error(NotifyType type) {
    return static_cast<std::uint16_t>(type) < 16384;
}

}  // namespace hnbsec::ike
